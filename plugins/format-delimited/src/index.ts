import { API_VERSION, definePlugin, implementationToken, TOKENS } from "@conveyor/core";
import type { z } from "zod";
import { DelimitedFormatter, type Flavor } from "./formatter.js";
import { customDelimiterSettings, fixedDelimiterSettings, type DelimitedSettings } from "./settings.js";

export { DelimitedFormatter, type Flavor } from "./formatter.js";
export { createLineEncoder, type Dialect, type LineEncoder } from "./writer.js";
export * from "./settings.js";

const VERSION = "0.1.0";

function delimitedPlugin<S extends z.ZodType<Omit<DelimitedSettings, "delimiter"> & { delimiter?: string }>>(options: {
  id: string;
  displayName: string;
  description: string;
  settings: S;
  flavor: Flavor;
  /** The id's own delimiter; `delimited` takes it from its settings. */
  delimiter?: string;
}) {
  const { id, flavor, delimiter } = options;
  return definePlugin({
    id,
    kind: "formatter",
    version: VERSION,
    apiVersion: API_VERSION,
    displayName: options.displayName,
    description: options.description,
    settings: options.settings,
    register(container) {
      // One class serves four ids, so the id's delimiter and extension come from this factory.
      container.register(implementationToken("formatter", id), {
        useFactory: (scope) => {
          const settings = scope.resolve<z.output<S>>(TOKENS.settings);
          return new DelimitedFormatter({ ...settings, delimiter: delimiter ?? settings.delimiter ?? "," }, flavor);
        },
      });
    },
  });
}

export const csvPlugin = delimitedPlugin({
  id: "csv",
  displayName: "CSV",
  description: "Comma-separated values (.csv), quoting as Apache Commons CSV.",
  settings: fixedDelimiterSettings(","),
  flavor: { extension: ".csv", contentType: "text/csv" },
  delimiter: ",",
});

export const tsvPlugin = delimitedPlugin({
  id: "tsv",
  displayName: "TSV",
  description: "Tab-separated values (.tsv), quoting as Apache Commons CSV.",
  settings: fixedDelimiterSettings("\t"),
  flavor: { extension: ".tsv", contentType: "text/tab-separated-values" },
  delimiter: "\t",
});

export const psvPlugin = delimitedPlugin({
  id: "psv",
  displayName: "PSV",
  description: "Pipe-separated values (.psv), quoting as Apache Commons CSV.",
  settings: fixedDelimiterSettings("|"),
  flavor: { extension: ".psv", contentType: "text/plain" },
  delimiter: "|",
});

export const customDelimitedPlugin = delimitedPlugin({
  id: "delimited",
  displayName: "Delimited text (custom delimiter)",
  description: "Values separated by any single character you choose (.txt), quoting as Apache Commons CSV.",
  settings: customDelimiterSettings,
  flavor: { extension: ".txt", contentType: "text/plain" },
});

export default [csvPlugin, tsvPlugin, psvPlugin, customDelimitedPlugin];

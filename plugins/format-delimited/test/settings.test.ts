import { ConnectorError, EXIT_CODES } from "@conveyor/core";
import { hostWith } from "@conveyor/testkit/conformance";
import { describe, expect, it } from "vitest";
import plugins, { NONE_WITHOUT_ESCAPE } from "../src/index.js";

const host = () => {
  const [first, ...rest] = plugins;
  return hostWith(first!, rest);
};

async function refusal(id: string, settings: unknown): Promise<ConnectorError> {
  const error = await host()
    .create("formatter", id, settings, { path: "destination.settings" })
    .catch((e: unknown) => e);
  expect(ConnectorError.is(error)).toBe(true);
  const e = error as ConnectorError;
  expect(e.code).toBe("settings.invalid");
  expect(e.category).toBe("invalid-input");
  return e;
}

describe("settings", () => {
  it("applies the documented defaults", async () => {
    const made = await host().create<{ extension: string }>("formatter", "csv", {});
    expect(made.extension).toBe(".csv");
    expect(plugins[0]!.settings.parse({})).toEqual({ quote_mode: "minimal", header: true, line_ending: "LF", null_value: "" });
  });

  const bad: Array<[string, string, unknown, string]> = [
    ["an unknown quote mode", "csv", { quote_mode: "sometimes" }, 'destination.settings.quote_mode: must be one of "all", "all_non_null", "minimal", "non_numeric", "none"'],
    ["a two-character delimiter", "delimited", { delimiter: ";;" }, "destination.settings.delimiter: must be exactly one character"],
    ["no delimiter for a custom-delimited file", "delimited", {}, "destination.settings.delimiter: is required"],
    ["the quote as delimiter", "delimited", { delimiter: '"' }, "destination.settings.delimiter: must not be the quote character"],
    ["an escape equal to the delimiter", "csv", { escape_character: "," }, 'destination.settings.escape_character: must differ from the delimiter (",")'],
    ["an escape equal to a custom delimiter", "delimited", { delimiter: "~", escape_character: "~" }, 'destination.settings.escape_character: must differ from the delimiter ("~")'],
    ["a two-character escape", "tsv", { escape_character: "\\\\" }, "destination.settings.escape_character: must be exactly one character"],
    ["a line-break escape", "tsv", { escape_character: "\n" }, "destination.settings.escape_character: must not be a line break"],
    ["a null value holding the delimiter", "psv", { null_value: "a|b" }, "destination.settings.null_value: must not contain the delimiter"],
    ["an unknown line ending", "csv", { line_ending: "CR" }, 'destination.settings.line_ending: must be one of "LF", "CRLF"'],
    ["split rows below 50,000", "csv", { split: { rows: 49_999 } }, "destination.settings.split.rows: must be at least 50000"],
    ["split rows above 10,000,000", "csv", { split: { rows: 10_000_001 } }, "destination.settings.split.rows: must be at most 10000000"],
    ["split megabytes of 0", "csv", { split: { megabytes: 0 } }, "destination.settings.split.megabytes: must be at least 1"],
    ["split megabytes above 2,000", "csv", { split: { megabytes: 2_001 } }, "destination.settings.split.megabytes: must be at most 2000"],
    ["split by both rows and megabytes", "csv", { split: { rows: 50_000, megabytes: 5 } }, "destination.settings.split: set exactly one of rows or megabytes"],
    ["an unknown setting", "csv", { delimiter: ";" }, 'destination.settings: unknown setting "delimiter"'],
  ];
  for (const [why, id, settings, message] of bad) {
    it(`refuses ${why}, naming the setting`, async () => {
      expect((await refusal(id, settings)).message).toContain(message);
    });
  }

  it("refuses bad settings at run-time creation too (createSync)", () => {
    expect(() => host().createSync("formatter", "csv", { escape_character: "," })).toThrow(/escape_character: must differ from the delimiter/);
  });

  it("refuses quote mode none without an escape character, at validate and at run-time creation, as Commons CSV does", async () => {
    for (const id of ["csv", "tsv", "psv", "delimited"]) {
      const settings = { quote_mode: "none", ...(id === "delimited" ? { delimiter: ";" } : {}) };
      expect(await host().validate("formatter", id, settings, "destination.settings")).toEqual([
        { path: "destination.settings.quote_mode", message: NONE_WITHOUT_ESCAPE, severity: "error" },
      ]);
      expect((await refusal(id, settings)).message).toContain(`destination.settings.quote_mode: ${NONE_WITHOUT_ESCAPE}`);
      const atRun = (() => {
        try {
          return host().createSync("formatter", id, settings);
        } catch (error) {
          return error;
        }
      })();
      expect(atRun).toMatchObject({ code: "settings.invalid", category: "invalid-input" });
      expect(EXIT_CODES[(atRun as ConnectorError).category]).toBe(2);
      expect(await host().validate("formatter", id, { ...settings, escape_character: "\\" }, "destination.settings")).toEqual([]);
    }
    expect(NONE_WITHOUT_ESCAPE).toContain('set escape_character or choose another quote_mode: "all", "all_non_null", "minimal", "non_numeric"');
  });
});

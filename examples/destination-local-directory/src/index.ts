import { API_VERSION, definePlugin, implementationToken, z } from "@conveyor/core";
import { LocalDirectoryDestination } from "./local-directory-destination.js";

/** Settings as the user types them (snake_case), validated before any run. */
export const settings = z
  .object({
    directory: z.string().min(1).describe("Folder the files are written under; created when missing."),
    prefix: z.string().default("").describe("Sub-folder of `directory` for this destination's files."),
    format: z.string().default("jsonl").describe("Formatter plugin id: jsonl, csv, tsv, psv, parquet…"),
    format_settings: z.record(z.string(), z.unknown()).default({}).describe("Settings passed to the formatter."),
    compression: z.string().default("none").describe("Compressor plugin id: none, gzip, tar, tgz, zip…"),
    compression_settings: z.record(z.string(), z.unknown()).default({}),
    success_file: z.boolean().default(false).describe("Write `<name>.DONE` after every other file."),
  })
  .strict();

export type LocalDirectorySettings = z.output<typeof settings>;

export default definePlugin({
  id: "local-directory",
  kind: "destination",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Local directory",
  description: "Writes the export's files to a folder on this machine.",
  settings,
  // No `credentials`: it writes to this machine and takes no credential.
  // The stages are named by id, so a missing plugin or a bad stage setting is told at validate.
  composes: (s) => [
    { kind: "formatter", id: s.format, settings: s.format_settings, path: "format", settingsPath: "format_settings" },
    { kind: "compressor", id: s.compression, settings: s.compression_settings, path: "compression", settingsPath: "compression_settings" },
  ],
  register(container) {
    container.register(implementationToken("destination", "local-directory"), { useClass: LocalDirectoryDestination });
  },
});

import type { Row } from "@conveyor/core";
import { describeFormatter } from "@conveyor/testkit/conformance";
import { parse } from "csv-parse/sync";
import { csvPlugin, customDelimitedPlugin, psvPlugin, tsvPlugin } from "../src/index.js";

/** Read back with csv-parse (not our writer): header skipped, every value as text. */
const readBack = (delimiter: string) => async (files: Map<string, Buffer>) =>
  [...files.values()].flatMap((bytes) => parse(bytes, { delimiter, from_line: 2 }) as string[][]);
const expected = (row: Row) => row.map((v) => (v === null ? "" : v instanceof Date ? v.toISOString() : String(v)));

const invalidSettings = [
  { why: "the quote mode is unknown", settings: { quote_mode: "sometimes" }, path: "quote_mode" },
  { why: "the escape character is the delimiter", settings: { escape_character: "\t" }, path: "escape_character" },
  { why: "the split is too small", settings: { split: { rows: 10 } }, path: "split.rows" },
];

describeFormatter(csvPlugin, { settings: {}, readBack: readBack(","), expected, invalidSettings: invalidSettings.slice(0, 1) });
describeFormatter(tsvPlugin, { settings: { quote_mode: "all_non_null" }, readBack: readBack("\t"), expected, invalidSettings });
describeFormatter(psvPlugin, { settings: { line_ending: "CRLF" }, readBack: readBack("|"), expected });
describeFormatter(customDelimitedPlugin, {
  settings: { delimiter: ";", quote_mode: "non_numeric" },
  readBack: readBack(";"),
  expected,
  invalidSettings: [{ why: "the delimiter has two characters", settings: { delimiter: ";;" }, path: "delimiter" }],
});

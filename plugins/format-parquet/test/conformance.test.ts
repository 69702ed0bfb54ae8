import { describeFormatter, type InvalidSettingsCase } from "@conveyor/testkit/conformance";
import { describe } from "vitest";
import plugin from "../src/index.js";
import { readAllParts } from "./support.js";

const invalidSettings: InvalidSettingsCase[] = [
  { why: "the decimal scale exceeds the precision", settings: { decimal_precision: 10, decimal_scale: 12 }, path: "decimal_scale" },
  { why: "parquetjs-lite is asked for zstd", settings: { engine: "parquetjs-lite", compression: "zstd" }, path: "compression" },
  { why: "the compression is unknown", settings: { compression: "lzo" }, path: "compression" },
  { why: "the engine is unknown", settings: { engine: "duckdb" }, path: "engine" },
  { why: "row groups would hold under 1,000 rows", settings: { row_group_rows: 10 }, path: "row_group_rows" },
  { why: "the part size is zero", settings: { part_mb: 0 }, path: "part_mb" },
  { why: "the timestamp unit is unknown", settings: { timestamp_unit: "nanos" }, path: "timestamp_unit" },
];

// Parquet streams by row group: with 50,000-row groups the first bytes leave after the first group.
describe.each(["parquet-wasm", "parquetjs-lite"])("engine %s", (engine) => {
  describeFormatter(plugin, {
    settings: { engine, row_group_rows: 50_000 },
    invalidSettings,
    readBack: (files) => readAllParts(files),
  });
});

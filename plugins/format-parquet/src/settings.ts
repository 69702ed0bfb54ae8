import type { Problem } from "@conveyor/core";
import { z } from "zod";

export const ENGINES = ["parquet-wasm", "parquetjs-lite"] as const;
export type EngineName = (typeof ENGINES)[number];

export const COMPRESSIONS = ["snappy", "gzip", "zstd", "none"] as const;
export type ParquetCompression = (typeof COMPRESSIONS)[number];

/** Settings of the `parquet` formatter (snake_case, like every Conveyor setting). */
export const parquetSettings = z
  .object({
    exclude_parquet_extension: z
      .boolean()
      .default(false)
      .describe('Name the directory of part files "T/" instead of "T.parquet/".'),
    compression: z.enum(COMPRESSIONS).default("snappy").describe("Page compression inside each part file."),
    engine: z
      .enum(ENGINES)
      .default("parquet-wasm")
      .describe("parquet-wasm (arrow-rs compiled to WebAssembly, run in a worker thread) or parquetjs-lite (slower, no DECIMAL, no zstd)."),
    row_group_rows: z
      .number()
      .int()
      .min(1_000)
      .max(10_000_000)
      .default(1_048_576)
      .describe("A row group ends after this many rows, or at row_group_mb, whichever comes first."),
    // A row group is built in memory (about 4× its encoded size on the benchmark table), so this
    // is what bounds the engine's memory.
    row_group_mb: z
      .number()
      .int()
      .min(1)
      .max(1_024)
      .default(16)
      .describe("A row group ends once its encoded data reaches about this many megabytes."),
    part_rows: z
      .number()
      .int()
      .min(1_000)
      .max(1_000_000_000)
      .default(10_000_000)
      .describe("A part file holds at most this many rows."),
    part_mb: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(512)
      .describe("A part file ends once about this many megabytes have been written to it (checked every 512 rows)."),
    timestamp_unit: z
      .enum(["millis", "micros"])
      .default("micros")
      .describe("Unit of TIMESTAMP columns, which are always marked as adjusted to UTC."),
    decimal_precision: z.number().int().min(1).max(38).default(38).describe("Precision of DECIMAL columns."),
    decimal_scale: z
      .number()
      .int()
      .min(0)
      .max(38)
      .default(9)
      .describe("Scale of DECIMAL columns; values with more fraction digits are rounded half away from zero."),
  })
  .strict();

export type ParquetSettings = z.output<typeof parquetSettings>;

/** Cross-field checks: paths are relative to the plugin's settings. */
export function checkParquetSettings(settings: ParquetSettings): Problem[] {
  const problems: Problem[] = [];
  if (settings.decimal_scale > settings.decimal_precision) {
    problems.push({
      path: "decimal_scale",
      message: `must be at most decimal_precision (${settings.decimal_precision})`,
      severity: "error",
    });
  }
  if (settings.engine === "parquetjs-lite" && settings.compression === "zstd") {
    problems.push({
      path: "compression",
      message: 'zstd is not supported by engine "parquetjs-lite"; choose snappy, gzip or none, or engine "parquet-wasm"',
      severity: "error",
    });
  }
  return problems;
}

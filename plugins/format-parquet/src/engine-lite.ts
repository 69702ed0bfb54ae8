import { ConnectorError, type Column, type Value } from "@conveyor/core";
import { PassThrough, type Readable } from "node:stream";
import parquet, { type FieldDefinition } from "parquetjs-lite";
import types from "parquetjs-lite/lib/types.js";
import type { ColumnLayout, FileLayout, ParquetEngine, RowBatch } from "./engine.js";
import {
  nullInRequired,
  toBoolean,
  toDouble,
  toEpochDays,
  toEpochMillis,
  toInt32,
  toInt64,
  toText,
  MS_PER_DAY,
  type Position,
} from "./values.js";

/**
 * parquetjs-lite buffers a row group as JS objects (several hundred bytes a value), so its row
 * groups are capped here whatever `row_group_rows` says; larger ones would take gigabytes.
 */
export const LITE_MAX_ROW_GROUP_ROWS = 65_536;

// parquetjs-lite converts each value by its column's original type, else its physical type; for
// INT64 that is parseInt (inexact above 2^53). A column given this original type is converted
// exactly instead, and the file still says plain INT64: the name is not a Parquet converted type,
// so none is written.
const EXACT_INT64 = "CONVEYOR_INT64";
types.PARQUET_LOGICAL_TYPES[EXACT_INT64] ??= { primitiveType: "INT64", originalType: EXACT_INT64, toPrimitive: (v) => v as bigint };

const CODECS = { snappy: "SNAPPY", gzip: "GZIP", none: "UNCOMPRESSED", zstd: undefined } as const;

/** parquetjs-lite: pure JavaScript, row by row. The baseline; selectable with `engine: parquetjs-lite`. */
export class ParquetjsLiteEngine implements ParquetEngine {
  readonly name = "parquetjs-lite" as const;

  writeFile(batches: AsyncIterable<RowBatch>, layout: FileLayout): Readable {
    const compression = CODECS[layout.compression];
    if (compression === undefined) {
      throw new ConnectorError({
        code: "settings.invalid",
        category: "invalid-input",
        message: `compression: ${layout.compression} is not supported by engine "parquetjs-lite"`,
      });
    }
    const columns = layout.schema.columns;
    const specs = columns.map((c) => columnSpec(c, layout, compression));
    const schema = new parquet.ParquetSchema(Object.fromEntries(columns.map((c, i) => [c.name, specs[i]!.field])));
    // parquetjs-lite waits for each write's callback, which a PassThrough holds back while its
    // reader is behind: the writer runs only as fast as the file is consumed.
    const output = new PassThrough();
    void (async () => {
      const writer = await parquet.ParquetWriter.openStream(schema, output, {
        rowGroupSize: Math.min(layout.rowGroupRows, LITE_MAX_ROW_GROUP_ROWS),
        useDataPageV2: false,
      });
      for await (const { rows, firstRow } of batches) {
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          const record: Record<string, unknown> = {};
          for (let c = 0; c < columns.length; c++) {
            const value = row[c];
            const column = columns[c]!;
            if (value === null || value === undefined) {
              if (!column.nullable) throw nullInRequired({ column, row: firstRow + r });
            } else {
              record[column.name] = specs[c]!.convert(value, { column, row: firstRow + r });
            }
          }
          await writer.appendRow(record);
        }
      }
      await writer.close();
    })().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
    return output;
  }

  async close(): Promise<void> {}
}

interface ColumnSpec {
  readonly field: FieldDefinition;
  /** The value parquetjs-lite is given, after checking it has the column's type. */
  readonly convert: (value: NonNullable<Value>, at: Position) => unknown;
}

function columnSpec(column: Column, layout: ColumnLayout, compression: string): ColumnSpec {
  const base = { optional: column.nullable, compression };
  switch (column.type) {
    case "string":
      return { field: { ...base, type: "UTF8" }, convert: toText };
    case "int":
      return { field: { ...base, type: "INT32" }, convert: toInt32 };
    case "long":
      return { field: { ...base, type: EXACT_INT64 }, convert: toInt64 };
    case "double":
      return { field: { ...base, type: "DOUBLE" }, convert: toDouble };
    case "boolean":
      return { field: { ...base, type: "BOOLEAN" }, convert: toBoolean };
    // Statistics off for these two: parquetjs-lite re-converts min/max through its own DATE and
    // TIMESTAMP conversions, which refuse values before 1970.
    case "timestamp":
      return {
        field: { ...base, type: layout.timestampUnit === "micros" ? "TIMESTAMP_MICROS" : "TIMESTAMP_MILLIS", statistics: false },
        // Given the Date itself: its MICROS conversion multiplies the milliseconds as a bigint (exact).
        convert: (value, at) => (toEpochMillis(value, at), value),
      };
    case "date":
      // Its DATE conversion divides getTime() by a day: exact for a Date at UTC midnight.
      return { field: { ...base, type: "DATE", statistics: false }, convert: (value, at) => new Date(toEpochDays(value, at) * MS_PER_DAY) };
    case "decimal":
      throw new ConnectorError({
        code: "parquet.unsupported-type",
        category: "invalid-input",
        message: `column "${column.name}" is a decimal, which engine "parquetjs-lite" cannot write; use engine "parquet-wasm"`,
        details: { column: column.name },
      });
  }
}

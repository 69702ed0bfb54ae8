import { coerceValue, invalidInput, type Row, type Schema } from "@conveyor/core";
import type { RecordSource } from "./read-input.js";

/**
 * Typed rows in schema order. Schema columns find their field by exact name, then
 * case-insensitively; a schema column missing from the input is an error before any row.
 */
export function recordsToRows(source: RecordSource, schema: Schema, path: string): AsyncIterable<Row> {
  const keys = schema.columns.map((column) => {
    const key = source.fields.find((f) => f === column.name) ?? source.fields.find((f) => f.toLowerCase() === column.name.toLowerCase());
    if (key === undefined) {
      throw invalidInput("input.missing-column", `input ${path} has no field "${column.name}" (schema.columns); it has: ${source.fields.join(", ")}`);
    }
    return key;
  });
  const columns = schema.columns;
  return (async function* () {
    let n = 0;
    for await (const record of source.records) {
      n++;
      const row = new Array(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i]!;
        const value = coerceValue(column, record[keys[i]!], `input ${path} record ${n}: `);
        if (value === null && !column.nullable) {
          throw invalidInput("input.null-value", `input ${path} record ${n}: column "${column.name}" is not nullable but has no value`);
        }
        row[i] = value;
      }
      yield row as Row;
    }
  })();
}

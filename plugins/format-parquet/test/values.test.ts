import { ConnectorError, type Row, type Schema } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { leafSchema, readParquet, writeParquet } from "./support.js";

/** Every column type, required and optional. */
const fullSchema: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "big", type: "long", nullable: true },
    { name: "count", type: "int", nullable: true },
    { name: "ratio", type: "double", nullable: true },
    { name: "flag", type: "boolean", nullable: true },
    { name: "note", type: "string", nullable: true },
    { name: "code", type: "string", nullable: false },
    { name: "seen_at", type: "timestamp", nullable: true },
    { name: "born_on", type: "date", nullable: true },
    { name: "amount", type: "decimal", nullable: true },
  ],
};

const rows: Row[] = [
  [2n ** 62n + 1n, 2n ** 53n + 1n, 2147483647, 1.5, true, 'Zoë, "quoted"\nline', "", new Date("2024-02-29T23:59:59.999Z"), new Date(Date.UTC(2024, 1, 29)), "12345678901234567890123456789.123456789"],
  [-(2n ** 63n), -(2n ** 53n) - 3n, -2147483648, -1e300, false, "日本語 🚀", "x", new Date("1969-07-20T20:17:40.123Z"), new Date(Date.UTC(1900, 0, 1)), "-0.000000001"],
  [2n ** 63n - 1n, 0n, 0, Number.MAX_VALUE, true, "", "y", new Date(0), new Date(0), "0"],
  [1n, null, null, null, null, null, "only required values", null, null, null],
];
// Decimals read back at the column's scale (9 by default).
const amounts = ["12345678901234567890123456789.123456789", "-0.000000001", "0.000000000", null];

/** The schema without decimals, and rows to match (parquetjs-lite has no DECIMAL). */
const withoutDecimal = (schema: Schema): Schema => ({ columns: schema.columns.filter((c) => c.type !== "decimal") });
const dropLast = (row: Row): unknown[] => row.slice(0, -1);

const ENGINES = [
  { engine: "parquet-wasm", schema: fullSchema, expected: rows.map((r, i) => [...dropLast(r), amounts[i]]) },
  { engine: "parquetjs-lite", schema: withoutDecimal(fullSchema), expected: rows.map(dropLast) },
] as const;

describe.each(ENGINES)("values through $engine, read back with hyparquet", ({ engine, schema, expected }) => {
  const input = engine === "parquet-wasm" ? rows : rows.map(dropLast);

  it.each(["millis", "micros"] as const)("are exact for every type and null (timestamps in %s)", async (unit) => {
    const written = await writeParquet(schema, input as Row[], { engine, timestamp_unit: unit });
    expect([...written.files.keys()]).toEqual(["exports_2025_01_31.parquet/part-00000.parquet"]);
    const back = await readParquet([...written.files.values()][0]!);
    expect(back.rows).toEqual(expected);
  });

  it("declares required and optional columns, INT64 longs, DATE, and TIMESTAMP in UTC", async () => {
    const written = await writeParquet(schema, input as Row[], { engine, timestamp_unit: "micros" });
    const { metadata } = await readParquet([...written.files.values()][0]!);
    const leaves = new Map(leafSchema(metadata).map((e) => [e.name, e]));
    for (const column of schema.columns) {
      expect(leaves.get(column.name)?.repetition_type, column.name).toBe(column.nullable ? "OPTIONAL" : "REQUIRED");
    }
    expect(leaves.get("id")).toMatchObject({ type: "INT64" });
    expect(leaves.get("id")?.converted_type).toBeUndefined();
    expect(leaves.get("count")).toMatchObject({ type: "INT32" });
    expect(leaves.get("ratio")).toMatchObject({ type: "DOUBLE" });
    expect(leaves.get("flag")).toMatchObject({ type: "BOOLEAN" });
    expect(leaves.get("note")).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
    // TIMESTAMP_MICROS as a converted type means adjusted to UTC; the logical type says so outright.
    expect(leaves.get("seen_at")).toMatchObject({ type: "INT64", converted_type: "TIMESTAMP_MICROS" });
    if (leaves.get("seen_at")?.logical_type) {
      expect(leaves.get("seen_at")?.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" });
    }
    expect(leaves.get("born_on")).toMatchObject({ type: "INT32", converted_type: "DATE" });
  });

  it("refuses a null in a required column, naming the column and the row", async () => {
    const bad: Row[] = [input[0] as Row, [...(input[1] as Row)].map((v, i) => (i === 6 ? null : v))];
    const error = await writeParquet(schema, bad, { engine }).catch((e: unknown) => e);
    expect(ConnectorError.is(error)).toBe(true);
    expect((error as ConnectorError).code).toBe("input.invalid-value");
    expect((error as ConnectorError).message).toBe('row 2, column "code" is not nullable but the value is null');
  });

  it("refuses a value of the wrong type, naming the column", async () => {
    const bad: Row[] = [[...(input[0] as Row)].map((v, i) => (i === 0 ? "12" : v))];
    const error = await writeParquet(schema, bad, { engine }).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe("input.invalid-value");
    expect((error as ConnectorError).message).toMatch(/^row 1, column "id" \(long\): expected a bigint, got "12"/);
  });
});

describe("decimals (parquet-wasm)", () => {
  const schema: Schema = { columns: [{ name: "price", type: "decimal", nullable: false }] };

  it("are written as DECIMAL with the configured precision and scale", async () => {
    const written = await writeParquet(schema, [["1.5"]], { decimal_precision: 12, decimal_scale: 3 });
    const { metadata, rows: back } = await readParquet([...written.files.values()][0]!);
    expect(leafSchema(metadata)[0]).toMatchObject({ converted_type: "DECIMAL", precision: 12, scale: 3 });
    expect(back).toEqual([["1.500"]]);
  });

  it("round half away from zero to the scale", async () => {
    const input = ["1.005", "-1.005", "1.004", "-1.0049", "0.995", "+7", ".5", "42."];
    const written = await writeParquet(schema, input.map((v) => [v]), { decimal_precision: 10, decimal_scale: 2 });
    const { rows: back } = await readParquet([...written.files.values()][0]!);
    expect(back.map((r) => r[0])).toEqual(["1.01", "-1.01", "1.00", "-1.00", "1.00", "7.00", "0.50", "42.00"]);
  });

  it("refuse a value with more integer digits than precision − scale allows", async () => {
    const error = await writeParquet(schema, [["12345678.9"], ["123456789.1"]], { decimal_precision: 10, decimal_scale: 2 }).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe("input.invalid-value");
    expect((error as ConnectorError).message).toBe(
      'row 2, column "price" (decimal): does not fit DECIMAL(10,2) (at most 8 digits before the point), got "123456789.1"',
    );
  });

  it("refuse text that is not a plain decimal", async () => {
    const error = await writeParquet(schema, [["1e5"]]).catch((e: unknown) => e);
    expect((error as ConnectorError).message).toBe('row 1, column "price" (decimal): expected a plain decimal number, got "1e5"');
  });

  it("are refused by parquetjs-lite with a clear error", async () => {
    const error = await writeParquet(schema, [["1"]], { engine: "parquetjs-lite" }).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe("parquet.unsupported-type");
    expect((error as ConnectorError).message).toContain('column "price" is a decimal, which engine "parquetjs-lite" cannot write');
  });
});

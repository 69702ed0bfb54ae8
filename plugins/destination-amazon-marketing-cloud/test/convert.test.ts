import { ConnectorError, type Column, type Row, type Schema } from "@conveyor/core";
import { hashPii } from "@conveyor/pii";
import { describe, expect, it } from "vitest";
import { convertRows, planUpload } from "../src/columns.js";
import { converterFor, roundDecimal, ValueError } from "../src/convert.js";
import type { Dataset } from "../src/dataset-definition.js";

const col = (type: Column["type"], name = "c"): Column => ({ name, type, nullable: true });

describe("type conversion (the seed's table)", () => {
  it("DOUBLE → DECIMAL with two decimals, rounded on the decimal text", () => {
    const toDecimal = converterFor(col("double"), "DECIMAL");
    expect(toDecimal(12423.555)).toBe("12423.56");
    expect(toDecimal(1)).toBe("1.00");
    expect(toDecimal(-0.004)).toBe("0.00");
    expect(toDecimal(1e21)).toBe("1000000000000000000000.00");
    expect(converterFor(col("decimal"), "DECIMAL")("-2.345")).toBe("-2.35");
    expect(roundDecimal("0.005")).toBe("0.01");
  });

  it("LONG → INTEGER is range-checked; LONG → LONG keeps 64 bits", () => {
    expect(converterFor(col("long"), "INTEGER")(2147483647n)).toBe("2147483647");
    expect(() => converterFor(col("long", "qty"), "INTEGER")(2147483648n)).toThrow(/column "qty": 2147483648 is out of range for INTEGER/);
    expect(converterFor(col("long"), "LONG")(9223372036854775807n)).toBe("9223372036854775807");
  });

  it("TIMESTAMP → TIMESTAMP (yyyy-MM-ddTHH:mm:ssZ, UTC) or DATE (yyyy-MM-dd)", () => {
    const at = new Date("2024-03-05T23:59:58.750+00:00");
    expect(converterFor(col("timestamp"), "TIMESTAMP")(at)).toBe("2024-03-05T23:59:58Z");
    expect(converterFor(col("timestamp"), "DATE")(at)).toBe("2024-03-05");
  });

  it("LONG epoch seconds → TIMESTAMP or DATE", () => {
    expect(converterFor(col("long"), "TIMESTAMP")(1700000000n)).toBe("2023-11-14T22:13:20Z");
    expect(converterFor(col("long"), "DATE")(1700000000n)).toBe("2023-11-14");
    expect(() => converterFor(col("long", "ts"), "TIMESTAMP")(1700000000000n)).toThrow(/column "ts": "1700000000000" is year 55840, outside 0001–9999/);
  });

  it("parses untyped (string) input into the dataset's type, and names the column when it cannot", () => {
    expect(converterFor(col("string"), "TIMESTAMP")("2024-01-02 03:04:05")).toBe("2024-01-02T03:04:05Z");
    expect(converterFor(col("string"), "TIMESTAMP")("2024-01-02T03:04:05+02:00")).toBe("2024-01-02T01:04:05Z");
    expect(converterFor(col("string"), "DATE")("1700000000")).toBe("2023-11-14");
    expect(converterFor(col("string"), "DECIMAL")("1.5e3")).toBe("1500.00");
    expect(converterFor(col("string"), "INTEGER")("")).toBeNull();
    expect(() => converterFor(col("string", "price"), "DECIMAL")("twelve")).toThrow(ValueError);
    expect(() => converterFor(col("string", "price"), "DECIMAL")("twelve")).toThrow(/column "price": "twelve" is not a number/);
  });
});

const fact: Dataset = {
  dataSetId: "purchases",
  columns: [
    { name: "Email", columnType: "DIMENSION", dataType: "STRING", nullable: true, externalUserIdType: { hashedPii: "EMAIL" } },
    { name: "purchase_time", columnType: "DIMENSION", dataType: "TIMESTAMP", nullable: true, isMainEventTime: true },
    { name: "product_sku", columnType: "DIMENSION", dataType: "STRING", nullable: false },
    { name: "product_quantity", columnType: "METRIC", dataType: "INTEGER", nullable: false },
    { name: "purchase_value", columnType: "METRIC", dataType: "DECIMAL", nullable: true },
  ],
};

const schema = (...columns: Array<[string, Column["type"]]>): Schema => ({ columns: columns.map(([name, type]) => ({ name, type, nullable: true })) });

describe("column matching", () => {
  it("matches case-insensitively, writes the dataset's names in its order, and reports the ignored columns", () => {
    const plan = planUpload(schema(["PRODUCT_SKU", "string"], ["email", "string"], ["Purchase_Time", "timestamp"], ["product_quantity", "long"], ["coupon", "string"]), fact);
    expect(plan.columns.map((c) => c.dataset.name)).toEqual(["Email", "purchase_time", "product_sku", "product_quantity"]);
    expect(plan.ignored).toEqual(["coupon"]);
    expect(plan.columns[0]!.pii).toBe("EMAIL");
  });

  it("fails before uploading when non-nullable columns are missing, naming them", () => {
    const attempt = () => planUpload(schema(["email", "string"], ["purchase_time", "timestamp"]), fact);
    expect(attempt).toThrow(ConnectorError);
    expect(attempt).toThrow(/lacks non-nullable columns of dataset "purchases": product_sku, product_quantity/);
  });

  it("fails for a fact dataset without its main event time column, naming it", () => {
    expect(() => planUpload(schema(["product_sku", "string"], ["product_quantity", "long"]), fact)).toThrow(/fact dataset: the query must have its main event time column "purchase_time" \(TIMESTAMP\)/);
  });

  it("refuses incompatible types, naming every column and what it could go to", () => {
    const attempt = () => planUpload(schema(["product_sku", "string"], ["product_quantity", "double"], ["purchase_time", "boolean"]), fact);
    expect(attempt).toThrow(/"product_quantity" is DOUBLE but dataset column "product_quantity" is INTEGER \(a double column can go to DECIMAL\)/);
    expect(attempt).toThrow(/"purchase_time" is BOOLEAN .* cannot be uploaded to AMC/);
  });

  it("hashes PII columns, converts the others, and skips and counts rows with nulls in non-nullable columns", async () => {
    const plan = planUpload(schema(["email", "string"], ["purchase_time", "timestamp"], ["product_sku", "string"], ["product_quantity", "long"]), fact);
    const conversion = convertRows(plan, "US");
    const at = new Date("2024-01-02T03:04:05Z");
    const input: Row[] = [
      ["A@Example.com", at, "sku-1", 2n],
      ["b@example.com", at, null, 1n],
      ["c@example.com", at, "", 1n],
      ["d@example.com", at, "sku-4", null],
      ["not an email", at, "sku-5", 3n],
    ];
    const out: Row[] = [];
    for await (const row of conversion.rows((async function* () { yield* input; })())) out.push(row);
    expect(out).toEqual([
      [hashPii("EMAIL", "a@example.com"), "2024-01-02T03:04:05Z", "sku-1", "2"],
      [null, "2024-01-02T03:04:05Z", "sku-5", "3"],
    ]);
    expect(conversion.skipped()).toEqual([
      { reason: 'null in non-nullable column "product_sku"', count: 2 },
      { reason: 'null in non-nullable column "product_quantity"', count: 1 },
    ]);
    expect(conversion.pii().columns[0]).toMatchObject({ column: "Email", invalid: 1, hashed: 4 });
  });

  it("fails naming the row and column when a value does not fit its type", async () => {
    const plan = planUpload(schema(["purchase_time", "string"], ["product_sku", "string"], ["product_quantity", "string"]), fact);
    const rows = convertRows(plan, "US").rows((async function* () {
      yield ["2024-01-02", "a", "1"];
      yield ["2024-01-02", "b", "99999999999"];
    })());
    const drain = async () => {
      for await (const _ of rows) void _;
    };
    await expect(drain()).rejects.toMatchObject({ code: "amc.invalid-value", category: "invalid-input", message: expect.stringContaining('row 2, column "product_quantity": 99999999999 is out of range for INTEGER') });
  });
});

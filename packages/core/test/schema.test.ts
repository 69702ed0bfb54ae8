import { describe, expect, it } from "vitest";
import { coerceValue, plainDecimal, type Column } from "../src/index.js";

const col = (type: Column["type"]): Column => ({ name: "c", type, nullable: true });

describe("coerceValue", () => {
  it("reads each type from text", () => {
    expect(coerceValue(col("int"), "42")).toBe(42);
    expect(coerceValue(col("long"), "9007199254740993")).toBe(9007199254740993n);
    expect(coerceValue(col("double"), "1.5e3")).toBe(1500);
    expect(coerceValue(col("decimal"), "1.25E-3")).toBe("0.00125");
    expect(coerceValue(col("boolean"), "TRUE")).toBe(true);
    expect(coerceValue(col("timestamp"), "2025-01-31T10:00:00Z")).toEqual(new Date("2025-01-31T10:00:00Z"));
    expect(coerceValue(col("date"), "2024-02-29")).toEqual(new Date(Date.UTC(2024, 1, 29)));
  });

  it("keeps the empty string for strings and reads it as null for other types", () => {
    expect(coerceValue(col("string"), "")).toBe("");
    expect(coerceValue(col("int"), "")).toBeNull();
    expect(coerceValue(col("string"), null)).toBeNull();
  });

  it("refuses what does not fit, naming the column and the type", () => {
    expect(() => coerceValue(col("int"), "3000000000")).toThrow(/column "c" \(int\): cannot read "3000000000"; expected a 32-bit integer/);
    expect(() => coerceValue(col("long"), "9223372036854775808")).toThrow(/expected a 64-bit integer/);
    expect(() => coerceValue(col("date"), "2025-02-30")).toThrow(/expected a real calendar date/);
    expect(() => coerceValue(col("boolean"), "maybe")).toThrow(/expected true or false/);
  });
});

describe("plainDecimal", () => {
  it.each([
    ["1.5e3", "1500"],
    ["1.25E-3", "0.00125"],
    ["-12e-1", "-1.2"],
    ["0.000e5", "0"],
    ["123.45", "123.45"],
    ["5e0", "5"],
  ])("%s → %s", (input, output) => {
    expect(plainDecimal(input)).toBe(output);
  });
});

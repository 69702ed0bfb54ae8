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
    expect(() => coerceValue(col("long"), 9223372036854775808n)).toThrow(/cannot read "9223372036854775808"; expected a 64-bit integer/);
    expect(coerceValue(col("long"), -9223372036854775808n)).toBe(-9223372036854775808n);
    expect(() => coerceValue(col("date"), "2025-02-30")).toThrow(/expected a real calendar date/);
    expect(() => coerceValue(col("boolean"), "maybe")).toThrow(/expected true or false/);
  });
});

describe("coerceValue: dates and timestamps", () => {
  it("reads a date as yyyy-MM-dd or yyyyMMdd, as text or as a JSON number", () => {
    const march10 = new Date(Date.UTC(2024, 2, 10));
    expect(coerceValue(col("date"), "20240310")).toEqual(march10);
    expect(coerceValue(col("date"), 20240310)).toEqual(march10);
    expect(coerceValue(col("date"), "2024-03-10")).toEqual(march10);
    expect((coerceValue(col("date"), "0099-01-01") as Date).toISOString()).toBe("0099-01-01T00:00:00.000Z");
  });

  it("refuses impossible days in dates and timestamps instead of rolling them over", () => {
    expect(() => coerceValue(col("date"), "20240230")).toThrow(/cannot read "20240230"; expected a real calendar date/);
    expect(() => coerceValue(col("date"), "2024-0310")).toThrow(/expected a date yyyy-MM-dd or yyyyMMdd/);
    for (const text of ["2024-02-30", "2024-02-30T00:00:00Z", "2023-02-29 10:00", "2024-03-10T24:00:00Z", "2024-03-10T12:60Z", "2024-13-01"]) {
      expect(() => coerceValue(col("timestamp"), text), text).toThrow(/column "c" \(timestamp\): cannot read .*; expected a real calendar date and time of day/);
    }
  });

  it("reads ISO-8601 timestamps with T or a space, and a zone of Z, UTC, GMT or an offset (none is UTC)", () => {
    const noon = new Date("2024-03-10T12:00:00Z");
    for (const text of ["2024-03-10 12:00:00 UTC", "2024-03-10T12:00:00Z", "2024-03-10 12:00:00", "2024-03-10t12:00utc", "2024-03-10T13:00:00+01:00", "2024-03-10T07:30:00-0430", "2024-03-10 14:00 +02", "2024-03-10 12:00:00 GMT"]) {
      expect(coerceValue(col("timestamp"), text), text).toEqual(noon);
    }
    expect(coerceValue(col("timestamp"), "2024-03-10")).toEqual(new Date("2024-03-10T00:00:00Z"));
    expect(coerceValue(col("timestamp"), "2024-03-10T12:00:00.029Z")).toEqual(new Date("2024-03-10T12:00:00.029Z"));
    expect(coerceValue(col("timestamp"), "2024-03-10T12:00:00.1234567Z")).toEqual(new Date("2024-03-10T12:00:00.123Z"));
    expect(coerceValue(col("timestamp"), 1710072000000)).toEqual(noon);
  });

  it("refuses timestamps in other forms, saying which it reads", () => {
    expect(() => coerceValue(col("timestamp"), "Sun, 10 Mar 2024 12:00:00 GMT")).toThrow(/expected an ISO-8601 timestamp such as 2024-03-10T12:00:00Z or 2024-03-10 12:00:00 UTC/);
    expect(() => coerceValue(col("timestamp"), "2024-03-10 12:00:00 PST")).toThrow(/expected an ISO-8601 timestamp/);
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

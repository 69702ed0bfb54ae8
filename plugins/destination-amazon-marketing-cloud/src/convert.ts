import { ConnectorError, type Column, type ColumnType, type Value } from "@conveyor/core";
import type { DataType } from "./dataset-definition.js";
import { amcDate, amcTimestamp } from "./time.js";

/** One cell of a query column → the CSV text of its dataset column (null stays null). */
export type Converter = (value: Value) => string | null;

/**
 * The seed's type table: STRING→STRING; DOUBLE→DECIMAL (2 decimals); LONG→INTEGER (range
 * checked) or LONG; TIMESTAMP→TIMESTAMP or DATE; LONG (epoch seconds)→TIMESTAMP or DATE. Int and
 * decimal columns go where long and double do; date columns where timestamps do. A string column
 * (an untyped input such as CSV) is parsed into any type, value by value.
 */
const COMPATIBLE: Record<ColumnType, readonly DataType[]> = {
  string: ["STRING", "DECIMAL", "INTEGER", "LONG", "TIMESTAMP", "DATE"],
  int: ["INTEGER", "LONG", "TIMESTAMP", "DATE"],
  long: ["INTEGER", "LONG", "TIMESTAMP", "DATE"],
  double: ["DECIMAL"],
  decimal: ["DECIMAL"],
  timestamp: ["TIMESTAMP", "DATE"],
  date: ["TIMESTAMP", "DATE"],
  boolean: [],
};

export function isCompatible(input: ColumnType, target: DataType): boolean {
  return COMPATIBLE[input].includes(target);
}

/** What a column of `input` type may be sent to, for messages. */
export function compatibleTargets(input: ColumnType): readonly DataType[] {
  return COMPATIBLE[input];
}

/** A cell that cannot become its dataset type: the run fails naming column and value. */
export class ValueError extends Error {
  constructor(readonly column: string, readonly reason: string) {
    super(`column "${column}": ${reason}`);
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INT32 = { min: -2147483648n, max: 2147483647n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

export function converterFor(input: Column, target: DataType, name = input.name): Converter {
  const fail = (reason: string): never => {
    throw new ValueError(name, reason);
  };
  const show = (v: Value) => JSON.stringify(v instanceof Date ? v.toISOString() : String(v)).slice(0, 60);
  const blank = (v: Value) => v === null || (typeof v === "string" && v.trim() === "");
  switch (target) {
    case "STRING":
      return (v) => (v === null ? null : String(v));
    case "INTEGER":
    case "LONG": {
      const range = target === "INTEGER" ? INT32 : INT64;
      return (v) => {
        if (blank(v)) return null;
        const n = toBigInt(v);
        if (n === undefined) return fail(`${show(v)} is not an integer (dataset type ${target})`);
        if (n < range.min || n > range.max) return fail(`${n} is out of range for ${target} (${range.min} to ${range.max})`);
        return n.toString();
      };
    }
    case "DECIMAL":
      return (v) => {
        if (blank(v)) return null;
        if (typeof v === "number") return Number.isFinite(v) ? roundDecimal(plain(v)) : fail(`${v} is not a finite number (dataset type DECIMAL)`);
        const text = String(v).trim();
        return DECIMAL.test(text) ? roundDecimal(plainFromText(text)) : fail(`${show(v)} is not a number (dataset type DECIMAL)`);
      };
    case "TIMESTAMP":
    case "DATE": {
      const write = target === "TIMESTAMP" ? amcTimestamp : amcDate;
      return (v) => {
        if (blank(v)) return null;
        const date = toDate(v, input.type);
        if (date === undefined) return fail(`${show(v)} is not a ${input.type === "string" ? "timestamp, date or epoch second" : "valid time"} (dataset type ${target})`);
        // AMC's texts have four-digit years; an epoch in milliseconds given as seconds lands far beyond.
        const year = date.getUTCFullYear();
        if (year < 1 || year > 9999) return fail(`${show(v)} is year ${year}, outside 0001–9999 (dataset type ${target}; epoch values are seconds)`);
        return write(date);
      };
    }
  }
}

function toBigInt(v: Value): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === "string" && INTEGER.test(v.trim())) return BigInt(v.trim());
  return undefined;
}

/** Integers (of any column type) are epoch seconds; strings are ISO-8601 (UTC unless a zone is given) or epoch seconds. */
function toDate(v: Value, type: ColumnType): Date | undefined {
  let date: Date | undefined;
  if (v instanceof Date) date = v;
  else if (typeof v === "bigint" || (typeof v === "number" && type !== "double")) date = new Date(Number(v) * 1000);
  else if (typeof v === "string") {
    const text = v.trim();
    if (INTEGER.test(text)) date = new Date(Number(text) * 1000);
    else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) date = new Date(`${text}T00:00:00Z`);
    else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) date = new Date(`${text.replace(" ", "T")}Z`);
    else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) date = new Date(text.replace(" ", "T"));
  }
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function plain(n: number): string {
  const text = String(n);
  return /e/i.test(text) ? plainFromText(text) : text;
}

/** 1.5e3 → 1500, without going through a double (decimal text keeps its digits). */
function plainFromText(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  const [, sign = "", int = "", frac = "", exp = "0"] = m;
  const digits = int + frac;
  const point = int.length + Number(exp);
  let whole: string;
  let fraction: string;
  if (point <= 0) [whole, fraction] = ["0", "0".repeat(-point) + digits];
  else if (point >= digits.length) [whole, fraction] = [digits + "0".repeat(point - digits.length), ""];
  else [whole, fraction] = [digits.slice(0, point), digits.slice(point)];
  return `${sign === "-" ? "-" : ""}${whole.replace(/^0+(?=\d)/, "") || "0"}${fraction ? "." + fraction : ""}`;
}

/** Two decimals, rounded half away from zero on the decimal text (no binary rounding error). */
export function roundDecimal(text: string): string {
  const negative = text.startsWith("-");
  const [int = "0", frac = ""] = text.replace(/^[+-]/, "").split(".");
  const padded = (frac + "000").slice(0, 3);
  let cents = BigInt((int || "0") + padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1n;
  const s = cents.toString().padStart(3, "0");
  const out = `${s.slice(0, -2)}.${s.slice(-2)}`;
  return negative && cents !== 0n ? `-${out}` : out;
}

/** The run's error for a bad cell: which row, which column, why. */
export function valueError(error: ValueError, row: number): ConnectorError {
  return new ConnectorError({
    code: "amc.invalid-value",
    category: "invalid-input",
    message: `row ${row}, ${error.message}`,
    details: { row, column: error.column },
  });
}

import { ConnectorError, type Column, type Value } from "@conveyor/core";

/** Where a value sits, for error messages: the row number counts from 1 across the whole run. */
export interface Position {
  readonly column: Column;
  readonly row: number;
}

export function invalidValue(at: Position, value: Value, expected: string): ConnectorError {
  const shown = value instanceof Date ? value.toISOString() : typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
  return new ConnectorError({
    code: "input.invalid-value",
    category: "invalid-input",
    message: `row ${at.row}, column "${at.column.name}" (${at.column.type}): ${expected}, got ${String(shown).slice(0, 60)}`,
    details: { column: at.column.name, row: at.row },
  });
}

export function nullInRequired(at: Position): ConnectorError {
  return new ConnectorError({
    code: "input.invalid-value",
    category: "invalid-input",
    message: `row ${at.row}, column "${at.column.name}" is not nullable but the value is null`,
    details: { column: at.column.name, row: at.row },
  });
}

export const MS_PER_DAY = 86_400_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A `long` as an exact bigint (a safe-integer number is accepted too). */
export function toInt64(value: Value, at: Position): bigint {
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) throw invalidValue(at, value, "expected a 64-bit integer");
    return value;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw invalidValue(at, value, "expected a bigint");
}

export function toInt32(value: Value, at: Position): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
  throw invalidValue(at, value, "expected a 32-bit integer");
}

export function toDouble(value: Value, at: Position): number {
  if (typeof value === "number") return value;
  throw invalidValue(at, value, "expected a number");
}

export function toBoolean(value: Value, at: Position): boolean {
  if (typeof value === "boolean") return value;
  throw invalidValue(at, value, "expected a boolean");
}

export function toText(value: Value, at: Position): string {
  if (typeof value === "string") return value;
  throw invalidValue(at, value, "expected a string");
}

/** Milliseconds since the epoch of a timestamp. */
export function toEpochMillis(value: Value, at: Position): number {
  const ms = value instanceof Date ? value.getTime() : NaN;
  if (Number.isNaN(ms)) throw invalidValue(at, value, "expected a valid Date");
  return ms;
}

/** Days since the epoch of a date; a Date not at UTC midnight counts as its UTC calendar day. */
export function toEpochDays(value: Value, at: Position): number {
  return Math.floor(toEpochMillis(value, at) / MS_PER_DAY);
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * The unscaled integer of a decimal at `scale` (`"12.345"` at scale 2 → 1235n): more fraction
 * digits than the scale are rounded half away from zero; more digits than `precision` is an error.
 */
export function toUnscaled(value: Value, precision: number, scale: number, at: Position): bigint {
  const text = typeof value === "string" ? value.trim() : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
  const m = text === undefined ? null : DECIMAL_TEXT.exec(text);
  const whole = m?.[2] ?? "";
  const fraction = m?.[3] ?? "";
  if (!m || whole + fraction === "") throw invalidValue(at, value, "expected a plain decimal number");
  const kept = fraction.slice(0, scale).padEnd(scale, "0");
  let unscaled = BigInt(whole + kept);
  if (fraction.length > scale && fraction.charCodeAt(scale) >= 53 /* '5' */) unscaled += 1n;
  if (unscaled >= 10n ** BigInt(precision)) {
    throw invalidValue(at, value, `does not fit DECIMAL(${precision},${scale}) (at most ${precision - scale} digits before the point)`);
  }
  return m[1] === "-" ? -unscaled : unscaled;
}

import { ConnectorError } from "./errors.js";

/** Column types a schema can declare, and the JavaScript value each carries in a {@link Row}. */
export const COLUMN_TYPES = ["string", "int", "long", "double", "decimal", "boolean", "timestamp", "date"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Kinds of personally identifiable information a column can be marked with (Amazon's identifier types). */
export const PII_KINDS = [
  "EMAIL",
  "FIRST_NAME",
  "LAST_NAME",
  "PHONE",
  "ADDRESS",
  "CITY",
  "STATE",
  "ZIP",
  "COUNTRY_CODE",
] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly pii?: PiiKind;
}

export interface Schema {
  readonly columns: readonly Column[];
}

/**
 * One cell. By column type:
 * string → string; int, double → number; long → bigint (exact beyond 2^53);
 * decimal → string (plain decimal text, never an exponent); boolean → boolean;
 * timestamp → Date; date → Date at UTC midnight. Any type may be null.
 */
export type Value = string | number | bigint | boolean | Date | null;

/** A row is positional: `row[i]` belongs to `schema.columns[i]`. */
export type Row = readonly Value[];

/** The schema used when a job declares none: every column a nullable string. */
export function stringSchema(names: readonly string[]): Schema {
  return { columns: names.map((name) => ({ name, type: "string", nullable: true })) };
}

export function piiColumns(schema: Schema): Column[] {
  return schema.columns.filter((c) => c.pii !== undefined);
}

const INT_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** yyyy-MM-dd, or yyyyMMdd as exports from warehouses often write dates. */
const DATE_RE = /^(\d{4})(-?)(\d{2})\2(\d{2})$/;
/** ISO-8601 with `T` or a space, and a zone of Z, UTC/GMT or ±HH[:mm]; no zone is UTC. */
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)? ?(?:Z|UTC|GMT|([+-])(\d{2}):?(\d{2})?)?$/i;

/**
 * Converts a value read from an untyped source (CSV text, JSON) to the representation of
 * `column.type`. Empty text and null/undefined become null. Throws `input.invalid-value`.
 */
export function coerceValue(column: Column, raw: unknown, where = ""): Value {
  if (raw === null || raw === undefined || raw === "") {
    if (raw === "" && column.type === "string") return "";
    return null;
  }
  const bad = (allowed: string): never => {
    throw new ConnectorError({
      code: "input.invalid-value",
      category: "invalid-input",
      message: `${where}column "${column.name}" (${column.type}): cannot read ${describe(raw)}; ${allowed}`,
    });
  };
  switch (column.type) {
    case "string":
      return typeof raw === "string" ? raw : raw instanceof Date ? raw.toISOString() : String(raw);
    case "int": {
      const n = typeof raw === "number" ? raw : INT_RE.test(String(raw).trim()) ? Number(String(raw).trim()) : NaN;
      if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) bad("expected a 32-bit integer");
      return n;
    }
    case "long": {
      let v: bigint;
      if (typeof raw === "bigint") v = raw;
      else if (typeof raw === "number" && Number.isSafeInteger(raw)) v = BigInt(raw);
      else {
        const s = String(raw).trim();
        v = INT_RE.test(s) ? BigInt(s) : bad("expected an integer");
      }
      if (v < -(2n ** 63n) || v >= 2n ** 63n) bad("expected a 64-bit integer");
      return v;
    }
    case "double": {
      const n = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (typeof raw !== "number" && !DECIMAL_RE.test(String(raw).trim()) && !/^[+-]?(Infinity|NaN)$/.test(String(raw).trim())) {
        bad("expected a number");
      }
      return n;
    }
    case "decimal": {
      const s = typeof raw === "number" ? String(raw) : String(raw).trim();
      if (!DECIMAL_RE.test(s)) bad("expected a decimal number");
      return plainDecimal(s);
    }
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === "true" || s === "1" || s === "t" || s === "yes") return true;
      if (s === "false" || s === "0" || s === "f" || s === "no") return false;
      return bad("expected true or false");
    }
    case "timestamp": {
      if (raw instanceof Date) return raw;
      if (typeof raw === "number") return new Date(raw);
      const d = parseTimestamp(String(raw).trim());
      if (d === undefined) return bad("expected an ISO-8601 timestamp such as 2024-03-10T12:00:00Z or 2024-03-10 12:00:00 UTC");
      return d ?? bad("expected a real calendar date and time of day");
    }
    case "date": {
      if (raw instanceof Date) return new Date(Date.UTC(raw.getUTCFullYear(), raw.getUTCMonth(), raw.getUTCDate()));
      const m = DATE_RE.exec(String(raw).trim());
      if (!m) return bad("expected a date yyyy-MM-dd or yyyyMMdd");
      return utcDate(Number(m[1]), Number(m[3]), Number(m[4])) ?? bad("expected a real calendar date");
    }
  }
}

/**
 * A timestamp in TIMESTAMP_RE's form; `undefined` when not in that form, `null` when it names a
 * day or time that does not exist (`new Date` would roll 2024-02-30 over to 2024-03-01).
 */
function parseTimestamp(text: string): Date | null | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return undefined;
  const [hour, minute, second, zoneHours, zoneMinutes] = [m[4], m[5], m[6], m[9], m[10]].map((v) => Number(v ?? 0)) as [number, number, number, number, number];
  const day = utcDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!day || hour > 23 || minute > 59 || second > 59 || zoneHours > 23 || zoneMinutes > 59) return null;
  const offset = (m[8] === "-" ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  const millis = Number((m[7] ?? "").slice(1, 4).padEnd(3, "0"));
  return new Date(day.getTime() + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis);
}

/** Midnight UTC of that day, or undefined when the month has no such day. */
function utcDate(year: number, month: number, day: number): Date | undefined {
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year); // Date.UTC reads years 0–99 as 1900–1999
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : undefined;
}

/** Rewrites a decimal in exponent notation (1.5e3) as plain text (1500). */
export function plainDecimal(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!m) return text;
  const int = m[2] ?? "";
  const digits = int + (m[3] ?? "");
  const point = int.length + Number(m[4]); // where the decimal point falls within `digits`
  let whole: string;
  let fraction: string;
  if (point <= 0) [whole, fraction] = ["0", "0".repeat(-point) + digits];
  else if (point >= digits.length) [whole, fraction] = [digits + "0".repeat(point - digits.length), ""];
  else [whole, fraction] = [digits.slice(0, point), digits.slice(point)];
  whole = whole.replace(/^0+(?=\d)/, "");
  fraction = fraction.replace(/0+$/, "");
  return (m[1] === "-" ? "-" : "") + whole + (fraction ? "." + fraction : "");
}

function describe(raw: unknown): string {
  const s = typeof raw === "string" ? raw : String(raw);
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s);
}

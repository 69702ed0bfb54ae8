import { plainDecimal, type Column, type ColumnType, type Row, type Schema, type Value } from "@conveyor/core";
import { QUOTE, type QuoteMode } from "./settings.js";

/** How delimited text is written. Semantics of `quoteMode` as Apache Commons CSV QuoteMode. */
export interface Dialect {
  readonly delimiter: string;
  readonly quoteMode: QuoteMode;
  readonly escape?: string | undefined;
  readonly lineEnding: "\n" | "\r\n";
  readonly nullValue: string;
}

const NUMERIC: ReadonlySet<ColumnType> = new Set(["int", "long", "double", "decimal"]);

/** Encodes rows (and the header) of one schema as lines of text, line ending included. */
export interface LineEncoder {
  header(): string;
  row(row: Row): string;
}

type FieldEncoder = (value: Value) => string;

export function createLineEncoder(schema: Schema, dialect: Dialect): LineEncoder {
  const field = fieldWriter(dialect);
  const encoders = schema.columns.map((column, i) => columnEncoder(column, dialect, field, i === 0));
  const headerEncode = (name: string) => field.text(name, dialect.quoteMode !== "minimal" && dialect.quoteMode !== "none");
  const { delimiter, lineEnding } = dialect;
  const count = encoders.length;
  return {
    header: () => schema.columns.map((c) => headerEncode(c.name)).join(delimiter) + lineEnding,
    row(row: Row): string {
      // The hot path: encoders were chosen per column once, so each value is one call.
      let line = count > 0 ? encoders[0]!(row[0] ?? null) : "";
      for (let i = 1; i < count; i++) line += delimiter + encoders[i]!(row[i] ?? null);
      return line + lineEnding;
    },
  };
}

interface FieldWriter {
  /** Writes text, quoted when `forceQuote` or (in `minimal`/`non_numeric`) when it must be. */
  text(text: string, forceQuote: boolean): string;
  /** `text(text, false)`, as a plain function for the string columns' hot path. */
  readonly unforced: (text: string) => string;
  readonly nullText: string;
}

function fieldWriter(dialect: Dialect): FieldWriter {
  const { delimiter, escape, quoteMode, nullValue } = dialect;
  const specials = [delimiter, QUOTE, "\r", "\n", ...(escape !== undefined ? [escape] : [])];
  const special = new RegExp(`[${specials.map(escapeForClass).join("")}]`);
  const specialGlobal = new RegExp(special.source, "g");
  // Inside quotes a quote is doubled; with an escape character it (and the escape) is prefixed.
  const insideQuotes = escape === undefined ? /"/g : new RegExp(`[${escapeForClass(QUOTE)}${escapeForClass(escape)}]`, "g");
  const quoteReplacement = escape === undefined ? '""' : `${escape.replace(/\$/g, "$$$$")}$&`;
  const quoted = (text: string) => QUOTE + text.replace(insideQuotes, quoteReplacement) + QUOTE;

  if (quoteMode === "none") {
    const prefixed = escape === undefined ? undefined : `${escape.replace(/\$/g, "$$$$")}$&`;
    // Without an escape character the data is written raw: the spec's documented behaviour.
    const raw = (text: string) => (prefixed === undefined || !special.test(text) ? text : text.replace(specialGlobal, prefixed));
    return { text: raw, unforced: raw, nullText: nullValue };
  }
  // A value equal to the null text (e.g. "" with the default) is quoted so readers can tell
  // them apart; one with leading/trailing whitespace (as Commons CSV does for trailing) so
  // readers that trim keep it.
  const unforced = (text: string) => (special.test(text) || text === nullValue || edgeSpace(text) ? quoted(text) : text);
  return {
    text: (text: string, forceQuote: boolean) => (forceQuote ? quoted(text) : unforced(text)),
    unforced,
    // Commons CSV quotes the null string in mode ALL; every other mode writes it bare.
    nullText: quoteMode === "all" ? quoted(nullValue) : nullValue,
  };
}

function columnEncoder(column: Column, dialect: Dialect, field: FieldWriter, first: boolean): FieldEncoder {
  const toText = textOf(column.type);
  const mode = dialect.quoteMode;
  const force = mode === "all" || mode === "all_non_null" || (mode === "non_numeric" && !NUMERIC.has(column.type));
  const { nullText } = field;
  if (first && !force) {
    // As Commons CSV: an empty first value is quoted, or a one-column row would be a blank line
    // that readers skip.
    return (value) => {
      if (value === null) return nullText;
      const text = toText(value);
      return field.text(text, text === "");
    };
  }
  const generic: FieldEncoder = (value) => (value === null ? nullText : field.text(toText(value), force));
  if (force) return generic;
  if (column.type === "string") {
    const { unforced } = field;
    return (v) => (typeof v === "string" ? unforced(v) : generic(v));
  }
  return typedTextIsPlain(dialect) ? unquotedTyped(column.type, generic) : generic;
}

/**
 * Numbers, booleans, timestamps and dates are written with digits, letters and `.:+-` only.
 * When neither the delimiter, the escape nor the null text could collide with those, such a
 * value never needs quoting: the hot loop then skips the checks.
 */
const TYPED_CHARS = /[0-9A-Za-z.:+-]/;
function typedTextIsPlain(dialect: Dialect): boolean {
  const nullValueSafe = dialect.nullValue === "" || [...dialect.nullValue].some((c) => !TYPED_CHARS.test(c));
  return nullValueSafe && !TYPED_CHARS.test(dialect.delimiter) && (dialect.escape === undefined || !TYPED_CHARS.test(dialect.escape));
}

/** Fast paths by column type; a value of another JavaScript type falls back to `generic`. */
function unquotedTyped(type: ColumnType, generic: FieldEncoder): FieldEncoder {
  switch (type) {
    case "int":
    case "long":
    case "double":
      return (v) => (typeof v === "number" || typeof v === "bigint" ? String(v) : generic(v));
    case "boolean":
      return (v) => (v === true ? "true" : v === false ? "false" : generic(v));
    case "timestamp":
      return (v) => (v instanceof Date ? v.toISOString() : generic(v));
    case "date":
      return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : generic(v));
    default:
      return generic;
  }
}

/** Text of a value: ISO-8601 UTC timestamps, yyyy-MM-dd dates, true/false, plain decimals. */
function textOf(type: ColumnType): (value: Exclude<Value, null>) => string {
  switch (type) {
    case "date":
      return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
    case "decimal":
      return (v) => (typeof v === "string" ? plainDecimal(v) : typeof v === "number" ? plainDecimal(String(v)) : String(v));
    default:
      return (v) => (typeof v === "string" ? v : v instanceof Date ? v.toISOString() : String(v));
  }
}

function edgeSpace(text: string): boolean {
  return text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32);
}

function escapeForClass(c: string): string {
  return c.replace(/[\\\]\[^-]/g, "\\$&");
}

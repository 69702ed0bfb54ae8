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
  // Commons CSV prints the header as a record of strings, so names are quoted as strings are.
  const quoteNames = dialect.quoteMode !== "minimal" && dialect.quoteMode !== "none";
  const header = schema.columns.map((c, i) => (quoteNames ? field.quoted(c.name) : field.plain(i === 0)(c.name)));
  const { delimiter, lineEnding } = dialect;
  const count = encoders.length;
  return {
    header: () => header.join(delimiter) + lineEnding,
    row(row: Row): string {
      // The hot path: encoders were chosen per column once, so each value is one call.
      let line = count > 0 ? encoders[0]!(row[0] ?? null) : "";
      for (let i = 1; i < count; i++) line += delimiter + encoders[i]!(row[i] ?? null);
      return line + lineEnding;
    },
  };
}

type TextWriter = (text: string) => string;

interface FieldWriter {
  /** Text of a value the mode always quotes (`all`, `all_non_null`, `non_numeric` non-numbers). */
  readonly quoted: TextWriter;
  /** Text as Commons CSV writes a string otherwise; `first` when it opens the record. */
  plain(first: boolean): TextWriter;
  /** As `plain`, but a value equal to the null text is quoted so readers can tell it from null. */
  value(first: boolean): TextWriter;
  readonly nullText: string;
}

function fieldWriter(dialect: Dialect): FieldWriter {
  const { delimiter, escape, quoteMode, nullValue } = dialect;
  if (quoteMode === "none") {
    // The settings refuse this too; Commons CSV's CSVFormat does the same.
    if (escape === undefined) throw new Error("quote mode none needs an escape character");
    // Commons CSV escapes the delimiter, the escape and line breaks (as `\r`, `\n`), not the quote.
    const specials = new RegExp(`[${[delimiter, escape, "\r", "\n"].map(escapeForClass).join("")}]`, "g");
    const escaped = (text: string) => text.replace(specials, (c) => escape + (c === "\r" ? "r" : c === "\n" ? "n" : c));
    // Nothing is ever quoted; nulls are written bare, the null text unescaped, as Commons CSV does.
    return { quoted: escaped, plain: () => escaped, value: () => escaped, nullText: nullValue };
  }

  const specials = [delimiter, QUOTE, "\r", "\n", ...(escape !== undefined ? [escape] : [])];
  const special = new RegExp(`[${specials.map(escapeForClass).join("")}]`);
  // Inside quotes a quote is doubled; with an escape character it (and the escape) is prefixed.
  const insideQuotes = escape === undefined ? /"/g : new RegExp(`[${escapeForClass(QUOTE)}${escapeForClass(escape)}]`, "g");
  const quoteReplacement = escape === undefined ? '""' : `${escape.replace(/\$/g, "$$$$")}$&`;
  const quoted = (text: string) => QUOTE + text.replace(insideQuotes, quoteReplacement) + QUOTE;
  // Commons CSV's MINIMAL rule: an empty value opening a record (else a one-column row would be
  // a blank line), a first character up to `#` (the comment marker, and what trips parsers), a
  // last one up to space, or any delimiter, quote, escape, CR or LF.
  const needsQuotes = (text: string, first: boolean) =>
    text.length === 0 ? first : text.charCodeAt(0) <= 0x23 || text.charCodeAt(text.length - 1) <= 0x20 || special.test(text);
  const plain = (first: boolean) => (text: string) => (needsQuotes(text, first) ? quoted(text) : text);
  const value = (first: boolean) => (text: string) => (text === nullValue || needsQuotes(text, first) ? quoted(text) : text);
  return {
    quoted,
    plain,
    value,
    // Commons CSV quotes the null text in mode ALL, with nothing inside escaped; other modes write it bare.
    nullText: quoteMode === "all" ? QUOTE + nullValue + QUOTE : nullValue,
  };
}

function columnEncoder(column: Column, dialect: Dialect, field: FieldWriter, first: boolean): FieldEncoder {
  const toText = textOf(column.type);
  const mode = dialect.quoteMode;
  const force = mode === "all" || mode === "all_non_null" || (mode === "non_numeric" && !NUMERIC.has(column.type));
  const text = force ? field.quoted : field.value(first);
  const { nullText } = field;
  const generic: FieldEncoder = (value) => (value === null ? nullText : text(toText(value)));
  if (force) return generic;
  if (column.type === "string") return (v) => (typeof v === "string" ? text(v) : generic(v));
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

function escapeForClass(c: string): string {
  return c.replace(/[\\\]\[^-]/g, "\\$&");
}

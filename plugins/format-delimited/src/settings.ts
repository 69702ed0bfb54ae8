import { z } from "zod";

/** Apache Commons CSV QuoteMode, in snake_case. */
export const QUOTE_MODES = ["all", "all_non_null", "minimal", "non_numeric", "none"] as const;
export type QuoteMode = (typeof QUOTE_MODES)[number];

/** The quote character is fixed (the spec offers no setting for it). */
export const QUOTE = '"';

export const SPLIT_ROWS = { min: 50_000, max: 10_000_000 } as const;
export const SPLIT_MEGABYTES = { min: 1, max: 2_000 } as const;
/** A "megabyte" of the split setting: 2^20 bytes. */
export const MEGABYTE = 1024 * 1024;

const oneCharacter = () => z.string().regex(/^.$/su, "must be exactly one character");

const split = z
  .object({
    rows: z.number().int().min(SPLIT_ROWS.min).max(SPLIT_ROWS.max).optional(),
    megabytes: z.number().int().min(SPLIT_MEGABYTES.min).max(SPLIT_MEGABYTES.max).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.rows === undefined) === (value.megabytes === undefined)) {
      ctx.addIssue({ code: "custom", message: "set exactly one of rows or megabytes", path: [] });
    }
  });

const common = {
  quote_mode: z.enum(QUOTE_MODES).default("minimal"),
  escape_character: oneCharacter().optional(),
  header: z.boolean().default(true),
  line_ending: z.enum(["LF", "CRLF"]).default("LF"),
  null_value: z.string().default(""),
  split: split.optional(),
};

export interface DelimitedSettings {
  delimiter: string;
  quote_mode: QuoteMode;
  escape_character?: string | undefined;
  header: boolean;
  line_ending: "LF" | "CRLF";
  null_value: string;
  split?: { rows?: number | undefined; megabytes?: number | undefined } | undefined;
}

/**
 * Settings that would make the output unreadable are refused here, in the schema, so that
 * run-time creation (`createSync`) refuses them too — not only save-time checks.
 */
function refineDialect(value: Omit<DelimitedSettings, "delimiter">, delimiter: string, ctx: z.RefinementCtx, delimiterPath?: string): void {
  const lineBreak = (c: string) => c === "\r" || c === "\n";
  if (delimiterPath && (delimiter === QUOTE || lineBreak(delimiter))) {
    ctx.addIssue({ code: "custom", path: [delimiterPath], message: "must not be the quote character (\") or a line break" });
  }
  const escape = value.escape_character;
  if (escape !== undefined) {
    if (escape === delimiter) {
      ctx.addIssue({ code: "custom", path: ["escape_character"], message: `must differ from the delimiter (${JSON.stringify(delimiter)})` });
    } else if (lineBreak(escape)) {
      ctx.addIssue({ code: "custom", path: ["escape_character"], message: "must not be a line break" });
    }
  }
  if (value.quote_mode === "none" && escape === undefined) {
    ctx.addIssue({ code: "custom", path: ["quote_mode"], message: NONE_WITHOUT_ESCAPE });
  }
  if ([delimiter, QUOTE, "\r", "\n"].some((c) => value.null_value.includes(c))) {
    ctx.addIssue({
      code: "custom",
      path: ["null_value"],
      message: "must not contain the delimiter, the quote character or a line break (readers could not tell it from data)",
    });
  }
}

/** Settings of `csv`, `tsv`, `psv`: the delimiter is the id's. */
export function fixedDelimiterSettings(delimiter: string) {
  return z
    .object(common)
    .strict()
    .superRefine((value, ctx) => refineDialect(value, delimiter, ctx));
}

/** Settings of `delimited`: any single-character delimiter. */
export const customDelimiterSettings = z
  .object({ delimiter: oneCharacter(), ...common })
  .strict()
  .superRefine((value, ctx) => refineDialect(value, value.delimiter, ctx, "delimiter"));

/**
 * Without quotes or an escape character a value holding the delimiter or a line break cannot be
 * read back; Commons CSV's CSVFormat refuses this combination too.
 */
export const NONE_WITHOUT_ESCAPE =
  'quote mode "none" needs an escape_character (without one, values holding the delimiter or a line break could not be read back); set escape_character or choose another quote_mode: "all", "all_non_null", "minimal", "non_numeric"';

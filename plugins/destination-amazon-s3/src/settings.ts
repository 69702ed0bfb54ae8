import { z, type Problem, type StageReference } from "@conveyor/core";

export const FORMATS = ["parquet", "csv", "tsv", "psv"] as const;
export const COMPRESSIONS = ["none", "gzip", "tar", "tgz", "zip"] as const;
export const QUOTE_MODES = ["all", "all_non_null", "minimal", "non_numeric", "none"] as const;
const ARCHIVES = new Set(["tar", "tgz", "zip"]);

/** The spec's wording, `all-non-null`, is accepted as well as our snake_case. */
const quoteMode = z.preprocess((v) => (typeof v === "string" ? v.replace(/-/g, "_") : v), z.enum(QUOTE_MODES));

/** The destination's settings, snake_case. The bucket comes from the credential. */
export const s3Settings = z
  .object({
    prefix: z.string().min(1).describe("Key prefix the objects are written under; a leading / is dropped."),
    format: z.enum(FORMATS).default("parquet"),
    escape_character: z.string().regex(/^.$/su, "must be exactly one character").optional(),
    quote_mode: quoteMode.default("minimal"),
    compression: z.enum(COMPRESSIONS).default("none"),
    pgp_public_key: z.string().optional().describe("ASCII-armored OpenPGP public key; files are encrypted after compression."),
    success_file: z.boolean().default(false).describe("Write T.DONE after every other object has completed."),
    header: z.boolean().default(true),
    exclude_parquet_extension: z.boolean().default(false),
    line_ending: z.enum(["LF", "CRLF"]).default("LF"),
    null_value: z.string().default(""),
    split: z
      .union([
        z.object({ rows: z.number().int().min(50_000).max(10_000_000) }).strict(),
        z.object({ megabytes: z.number().int().min(1).max(2_000) }).strict(),
      ])
      .optional()
      .describe("{ rows: 50000–10000000 } or { megabytes: 1–2000 }"),
    server_side_encryption: z.enum(["none", "AES256", "aws:kms"]).default("none"),
    kms_key_id: z.string().min(1).optional(),
    tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/u, "tag keys: 1–128 letters, digits, spaces and _ . : / = + - @"), z.string().max(256)).optional(),
    upload_concurrency: z.number().int().min(1).max(16).default(4).describe("Parts of one object in flight at once."),
    part_size_mb: z.number().int().min(5).max(5_120).default(8).describe("First multipart part size; it doubles every 1,000 parts, so any object fits in 10,000."),
  })
  .strict();

export type S3Settings = z.output<typeof s3Settings>;

/**
 * Save-time refusals and warnings that span settings (paths within these settings).
 * The composed stages check their own settings too (quote mode none without an escape
 * character is the delimited formatter's warning; a bad PGP key the pgp encryptor's refusal).
 */
export function checkS3Settings(s: S3Settings): Problem[] {
  const problems: Problem[] = [];
  const delimited = s.format !== "parquet";
  if (!delimited && s.compression === "gzip") {
    problems.push({
      path: "compression",
      severity: "error",
      message: "gzip cannot be used with parquet: parquet parts are already compressed and gzip cannot wrap a directory; choose none, tar, tgz or zip",
    });
  }
  if (!delimited && s.pgp_public_key !== undefined && !ARCHIVES.has(s.compression)) {
    problems.push({
      path: "compression",
      severity: "error",
      message: "parquet with a PGP key needs compression tar, tgz or zip: PGP encrypts one file, and parquet is a directory of parts",
    });
  }
  if (s.kms_key_id !== undefined && s.server_side_encryption !== "aws:kms") {
    problems.push({ path: "kms_key_id", severity: "error", message: 'is only used with server_side_encryption "aws:kms"' });
  }
  if (!delimited && s.split !== undefined) {
    problems.push({ path: "split", severity: "error", message: "applies to csv, tsv and psv only (parquet is split into part files by itself)" });
  }
  if (delimited && s.exclude_parquet_extension) {
    problems.push({ path: "exclude_parquet_extension", severity: "warning", message: `has no effect with format ${s.format}` });
  }
  if (!delimited && s.escape_character !== undefined) {
    problems.push({ path: "escape_character", severity: "warning", message: "has no effect with format parquet" });
  }
  return problems;
}

/** The formatter, compressor and encryptor these settings compose, with their settings. */
export function stagesOf(s: S3Settings, overrides: { header?: boolean } = {}): StageReference[] {
  const formatter: StageReference =
    s.format === "parquet"
      ? { kind: "formatter", id: "parquet", settings: { exclude_parquet_extension: s.exclude_parquet_extension }, path: "format", settingPaths: { exclude_parquet_extension: "exclude_parquet_extension" } }
      : {
          kind: "formatter",
          id: s.format,
          path: "format",
          settingPaths: Object.fromEntries(["quote_mode", "escape_character", "header", "line_ending", "null_value", "split"].map((k) => [k, k])),
          settings: {
            quote_mode: s.quote_mode,
            header: overrides.header ?? s.header,
            line_ending: s.line_ending,
            null_value: s.null_value,
            ...(s.escape_character !== undefined ? { escape_character: s.escape_character } : {}),
            ...(s.split ? { split: s.split } : {}),
          },
        };
  const stages = [formatter];
  if (s.compression !== "none") stages.push({ kind: "compressor", id: s.compression, settings: {}, path: "compression" });
  if (s.pgp_public_key !== undefined) stages.push({ kind: "encryptor", id: "pgp", settings: { public_key: s.pgp_public_key }, path: "pgp_public_key" });
  return stages;
}

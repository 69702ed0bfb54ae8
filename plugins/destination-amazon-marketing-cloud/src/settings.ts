import { z, type Problem } from "@conveyor/core";
import { SUPPORTED_COUNTRIES } from "@conveyor/pii";
import { DATASET_ID, DATASET_ID_RULE, mainEventTimeColumn, parseDatasetDefinition } from "./dataset-definition.js";
import { countryCodeProblem } from "./country.js";
import { parseAudienceTime } from "./time.js";

export const UPDATE_STRATEGIES = ["ADDITIVE", "FULL_REPLACE", "OVERLAP_REPLACE", "OVERLAP_KEEP"] as const;

/** The seed's console spells strategies with spaces ("FULL REPLACE"); both spellings load. */
const updateStrategy = z.preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase().replace(/[\s-]+/g, "_") : v), z.enum(UPDATE_STRATEGIES));

/** A loopback emulator or Amazon's host: an http(s) URL. */
const url = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http(s) URL such as https://advertising-api.amazon.com");

/** Ids the seed writes as numbers (`advertiser_id: 123`) are strings to AMC. */
const idText = z.preprocess((v) => (typeof v === "number" || typeof v === "bigint" ? String(v) : v), z.string().min(1));

/** Checked here, when the job is saved: a code AMC would refuse must not wait for a run to fail. */
const countryCode = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase() : v),
  z.string().superRefine((code, ctx) => {
    const problem = countryCodeProblem(code);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
);

/** The seed leaves amc_account_id blank for "the instance's first account". */
const blankIsUnset = (v: unknown) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : v);

/** A UTC date-time, turned into the instant it names so no later code re-parses it. */
const audienceTime = z.string().transform((text, ctx) => {
  const time = parseAudienceTime(text);
  if (time) return time;
  ctx.addIssue({ code: "custom", message: "must be a UTC date-time yyyy-MM-ddTHH:mm:ss (a trailing Z is optional), e.g. 2023-06-25T00:00:00" });
  return z.NEVER;
});

/**
 * What every target shares: where the instance is and how long to wait for it. The Login with
 * Amazon client and token are the job's `api` credential (login-with-amazon), which also says
 * the region.
 */
const base = {
  api_version: z.enum(["latest"]).default("latest").describe("The seed's 'API version'; only latest exists."),
  amc_instance_id: z.string().min(1).describe("The AMC instance id (from the instance list)."),
  amc_account_id: z.preprocess(blankIsUnset, z.string().optional()).describe("The AMC account id (entityId, ENTITY…); blank: the first account AMC lists for the credentials."),
  marketplace_id: z.string().min(1).optional().describe("Amazon-Advertising-API-MarketplaceId; default the region's main marketplace."),
  amc_endpoint: url.optional().describe("Overrides the region's advertising API host (emulators)."),
  wait_until_finish: z.boolean().default(true),
  request_timeout_seconds: z.number().int().min(1).max(600).default(60).describe("An AMC call with no answer by then counts as lost (and is retried safely)."),
  wait_timeout_minutes: z.number().int().min(1).max(7 * 24 * 60).default(24 * 60).describe("How long to wait for AMC to finish an upload, deletion or audience."),
};

/** Both dataset operations normalize identities by the source country's rules before hashing. */
const dataset = {
  ...base,
  target: z.literal("dataset").default("dataset"),
  country_code: countryCode.default("US").describe("Source country of the data (ISO 3166-1 alpha-2); used to normalize phones, zips and addresses."),
};

const datasetUpload = z
  .object({
    ...dataset,
    operation: z.literal("upload").default("upload").describe("For target dataset: upload rows, or delete the identities they carry from every dataset."),
    dataset_id: z.string().regex(DATASET_ID, DATASET_ID_RULE),
    create_dataset: z.boolean().default(false),
    dataset_definition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional().describe('JSON: {"dataSet": {"dataSetId", "columns": [...]}}'),
    update_strategy: updateStrategy.default("ADDITIVE"),
    bucket: z.string().min(3).max(63).optional().describe("Staging bucket AMC reads from; default the staging credential's bucket."),
    path_prefix: z.string().default("").describe("Key prefix of the staged files."),
    file_name_prefix: z
      .string()
      .regex(/^[^._/][^/]*$|^$/, "must not start with '.', '_' or '/' (AMC ignores such files) and must not contain '/'")
      .default(""),
    clean_upload_file: z.boolean().default(false),
    part_megabytes: z.number().int().min(1).max(500).default(500).describe("Uncompressed size at which the CSV is split into another gzip part (AMC takes ≤ 500 MB per file)."),
    amc_data_upload_account_id: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id").optional().describe("AMC's data upload AWS account (instance info page); fills in the bucket policy shown when AMC cannot read the bucket."),
  })
  .strict();

const datasetDelete = z
  .object({ ...dataset, operation: z.literal("delete") })
  .strict();

const ruleBasedAudience = z
  .object({
    ...base,
    target: z.literal("rule_based_audiences"),
    audience_name: z.string().min(1).max(128),
    audience_description: z.string().max(1000).optional(),
    advertiser_id: idText,
    query: z.string().min(1),
    time_window_start: audienceTime,
    time_window_end: audienceTime,
    refresh_rate_days: z.number().int().min(0).max(21).default(21).describe("0–21; 0 deactivates the audience after 30 days."),
    time_window_relative: z.boolean().default(false),
  })
  .strict();

/**
 * The destination's settings, snake_case, named as in the seed's workflow examples: one shape
 * per `target` (and, for datasets, per `operation`), each with exactly its own fields.
 */
export const amcSettings = z.discriminatedUnion("target", [z.discriminatedUnion("operation", [datasetUpload, datasetDelete]), ruleBasedAudience]);

export type AmcSettings = z.output<typeof amcSettings>;
export type AmcUploadSettings = z.output<typeof datasetUpload>;
export type AmcDeleteSettings = z.output<typeof datasetDelete>;
export type AmcAudienceSettings = z.output<typeof ruleBasedAudience>;

/**
 * The settings an export (a workflow's result_settings) may give where its connection leaves
 * them open: the instance, account and staging bucket, and what varies per export. The
 * endpoints, the data upload account and the access switches are never a job's; the Login with
 * Amazon client and the staging credential are the connection's credentials.
 */
export const AMC_JOB_SETTINGS = [
  "amc_instance_id", "amc_account_id", "marketplace_id", "bucket",
  "target", "operation", "api_version",
  "dataset_id", "create_dataset", "dataset_definition", "update_strategy", "country_code", "path_prefix", "file_name_prefix",
  "wait_until_finish", "clean_upload_file", "part_megabytes", "request_timeout_seconds", "wait_timeout_minutes",
  "audience_name", "audience_description", "advertiser_id", "query", "time_window_start", "time_window_end", "refresh_rate_days", "time_window_relative",
] as const;

/** What zod cannot say: checks across fields, and of the dataset definition's content. */
export function checkAmcSettings(s: AmcSettings): Problem[] {
  if (s.target === "rule_based_audiences") return checkAudience(s);
  const problems: Problem[] = [];
  // Identities are normalized by the country's rules before hashing; Amazon's own uploader has rules for these only.
  if (!(SUPPORTED_COUNTRIES as readonly string[]).includes(s.country_code)) {
    problems.push({ path: "country_code", severity: "error", message: `${JSON.stringify(s.country_code)} has no PII normalization rules in Amazon's uploader; use one of ${SUPPORTED_COUNTRIES.join(", ")}` });
  }
  if (s.operation === "upload") problems.push(...checkUpload(s));
  return problems;
}

function checkUpload(s: AmcUploadSettings): Problem[] {
  const problems: Problem[] = [];
  if (s.create_dataset && s.dataset_definition === undefined) problems.push({ path: "dataset_definition", severity: "error", message: "is required when create_dataset is true" });
  if (s.dataset_definition !== undefined) {
    const parsed = parseDatasetDefinition(s.dataset_definition, s.dataset_id);
    for (const p of parsed.problems) problems.push({ path: p.path ? `dataset_definition.${p.path}` : "dataset_definition", severity: "error", message: p.message });
    if (parsed.dataset && s.update_strategy.startsWith("OVERLAP") && !mainEventTimeColumn(parsed.dataset)) {
      problems.push({ path: "update_strategy", severity: "error", message: `${s.update_strategy} applies to fact datasets only (a column with isMainEventTime); use ADDITIVE or FULL_REPLACE` });
    }
    if (!s.create_dataset) problems.push({ path: "dataset_definition", severity: "warning", message: "is only used when create_dataset is true" });
  }
  if (s.clean_upload_file && !s.wait_until_finish) {
    problems.push({ path: "clean_upload_file", severity: "warning", message: "has no effect unless wait_until_finish is true: files are only removed once AMC has ingested them" });
  }
  return problems;
}

function checkAudience(s: AmcAudienceSettings): Problem[] {
  const problems: Problem[] = [];
  // Case-sensitive, as AMC builds the audience from the user_id column.
  if (!/\buser_id\b/.test(s.query)) {
    problems.push({ path: "query", severity: "error", message: "must select user_id (case-sensitive), e.g. SELECT user_id FROM dsp_impressions: the audience is built from user_ids" });
  }
  if (s.time_window_start >= s.time_window_end) problems.push({ path: "time_window_end", severity: "error", message: "must be after time_window_start" });
  return problems;
}

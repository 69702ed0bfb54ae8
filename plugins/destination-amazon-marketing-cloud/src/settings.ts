import { z, type Problem } from "@conveyor/core";
import { SUPPORTED_COUNTRIES } from "@conveyor/pii";
import { DATASET_ID, DATASET_ID_RULE, mainEventTimeColumn, parseDatasetDefinition } from "./dataset-definition.js";
import { countryCodeProblem } from "./country.js";
import { parseAudienceTime } from "./time.js";

export const UPDATE_STRATEGIES = ["ADDITIVE", "FULL_REPLACE", "OVERLAP_REPLACE", "OVERLAP_KEEP"] as const;
export const REGIONS = ["NA", "EU", "FE"] as const;

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

/**
 * The destination's settings, snake_case, named as in the seed's workflow examples.
 * Which are required depends on `target` and `operation`: see {@link checkAmcSettings}.
 */
export const amcSettings = z
  .object({
    target: z.enum(["dataset", "rule_based_audiences"]).default("dataset"),
    operation: z.enum(["upload", "delete"]).default("upload").describe("For target dataset: upload rows, or delete the identities they carry from every dataset."),
    api_version: z.enum(["latest"]).default("latest").describe("The seed's 'API version'; only latest exists."),

    // Authentication (Login with Amazon) and where the instance is.
    lwa_client_id: z.string().min(1).describe("Login with Amazon client id (amzn1.application-oa2-client…)."),
    lwa_client_secret: z.string().min(1).describe("Secret; use a reference such as ${env:LWA_CLIENT_SECRET}."),
    lwa_refresh_token: z.string().min(1).describe("Secret: the refresh token the OAuth consent gave."),
    amc_instance_id: z.string().min(1).describe("The AMC instance id (from the instance list)."),
    amc_account_id: z.preprocess(blankIsUnset, z.string().optional()).describe("The AMC account id (entityId, ENTITY…); blank: the first account AMC lists for the credentials."),
    marketplace_id: z.string().min(1).optional().describe("Amazon-Advertising-API-MarketplaceId; default the region's main marketplace."),
    region: z.enum(REGIONS).default("NA").describe("Advertising API region: NA, EU or FE."),
    amc_endpoint: url.optional().describe("Overrides the region's advertising API host (emulators)."),
    lwa_endpoint: url.optional().describe("Overrides the Login with Amazon token URL (emulators)."),
    amc_data_upload_account_id: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id").optional().describe("AMC's data upload AWS account (instance info page); fills in the bucket policy shown when AMC cannot read the bucket."),

    // target dataset
    dataset_id: z.string().regex(DATASET_ID, DATASET_ID_RULE).optional(),
    create_dataset: z.boolean().default(false),
    dataset_definition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional().describe('JSON: {"dataSet": {"dataSetId", "columns": [...]}}'),
    update_strategy: updateStrategy.default("ADDITIVE"),
    country_code: countryCode.default("US").describe("Source country of the data (ISO 3166-1 alpha-2); used to normalize phones, zips and addresses."),
    bucket: z.string().min(3).max(63).optional().describe("Staging bucket AMC reads from; default the credential's bucket."),
    path_prefix: z.string().default("").describe("Key prefix of the staged files."),
    file_name_prefix: z
      .string()
      .regex(/^[^._/][^/]*$|^$/, "must not start with '.', '_' or '/' (AMC ignores such files) and must not contain '/'")
      .default(""),
    wait_until_finish: z.boolean().default(true),
    clean_upload_file: z.boolean().default(false),
    part_megabytes: z.number().int().min(1).max(500).default(500).describe("Uncompressed size at which the CSV is split into another gzip part (AMC takes ≤ 500 MB per file)."),
    request_timeout_seconds: z.number().int().min(1).max(600).default(60).describe("An AMC or LwA call with no answer by then counts as lost (and is retried safely)."),
    wait_timeout_minutes: z.number().int().min(1).max(7 * 24 * 60).default(24 * 60).describe("How long to wait for AMC to finish an upload, deletion or audience."),

    // target rule_based_audiences
    audience_name: z.string().min(1).max(128).optional(),
    audience_description: z.string().max(1000).optional(),
    advertiser_id: idText.optional(),
    query: z.string().min(1).optional(),
    time_window_start: z.string().min(1).optional(),
    time_window_end: z.string().min(1).optional(),
    refresh_rate_days: z.number().int().min(0).max(21).default(21).describe("0–21; 0 deactivates the audience after 30 days."),
    time_window_relative: z.boolean().default(false),
  })
  .strict();

export type AmcSettings = z.output<typeof amcSettings>;

export const AMC_SECRETS = ["lwa_client_secret", "lwa_refresh_token"] as const;

/**
 * The settings an export (a workflow's result_settings) may give where its connection leaves
 * them open: the instance, account and staging bucket, and what varies per export. The Login
 * with Amazon client and token, the endpoints and the access switches are never a job's.
 */
export const AMC_JOB_SETTINGS = [
  "amc_instance_id", "amc_account_id", "marketplace_id", "bucket",
  "target", "operation", "api_version",
  "dataset_id", "create_dataset", "dataset_definition", "update_strategy", "country_code", "path_prefix", "file_name_prefix",
  "wait_until_finish", "clean_upload_file", "part_megabytes", "request_timeout_seconds", "wait_timeout_minutes",
  "audience_name", "audience_description", "advertiser_id", "query", "time_window_start", "time_window_end", "refresh_rate_days", "time_window_relative",
] as const;

const required = (path: string, when: string): Problem => ({ path, severity: "error", message: `is required ${when}` });

/** The conditional requirements of the seed's parameter table, enforced at validation time. */
export function checkAmcSettings(s: AmcSettings): Problem[] {
  const problems: Problem[] = [];
  // Identities are normalized by the country's rules before hashing; Amazon's own uploader has rules for these only.
  if (s.target === "dataset" && !(SUPPORTED_COUNTRIES as readonly string[]).includes(s.country_code)) {
    problems.push({ path: "country_code", severity: "error", message: `${JSON.stringify(s.country_code)} has no PII normalization rules in Amazon's uploader; use one of ${SUPPORTED_COUNTRIES.join(", ")}` });
  }
  if (s.target === "dataset" && s.operation === "upload") {
    const when = "when target is dataset and operation is upload";
    if (!s.dataset_id) problems.push(required("dataset_id", when));
    if (s.create_dataset && s.dataset_definition === undefined) problems.push(required("dataset_definition", "when create_dataset is true"));
    if (s.dataset_definition !== undefined) {
      const parsed = parseDatasetDefinition(s.dataset_definition, s.dataset_id);
      for (const p of parsed.problems) problems.push({ path: p.path ? `dataset_definition.${p.path}` : "dataset_definition", severity: "error", message: p.message });
      if (parsed.dataset && s.update_strategy.startsWith("OVERLAP") && !mainEventTimeColumn(parsed.dataset)) {
        problems.push({ path: "update_strategy", severity: "error", message: `${s.update_strategy} applies to fact datasets only (a column with isMainEventTime); use ADDITIVE or FULL_REPLACE` });
      }
      if (!s.create_dataset) problems.push({ path: "dataset_definition", severity: "warning", message: "is only used when create_dataset is true" });
    }
  }
  if (s.target === "dataset" && s.operation === "upload" && s.clean_upload_file && !s.wait_until_finish) {
    problems.push({ path: "clean_upload_file", severity: "warning", message: "has no effect unless wait_until_finish is true: files are only removed once AMC has ingested them" });
  }
  if (s.target === "rule_based_audiences") {
    const when = "when target is rule_based_audiences";
    for (const key of ["audience_name", "advertiser_id", "query", "time_window_start", "time_window_end"] as const) {
      if (s[key] === undefined) problems.push(required(key, when));
    }
    // Case-sensitive, as AMC builds the audience from the user_id column.
    if (s.query !== undefined && !/\buser_id\b/.test(s.query)) {
      problems.push({ path: "query", severity: "error", message: "must select user_id (case-sensitive), e.g. SELECT user_id FROM dsp_impressions: the audience is built from user_ids" });
    }
    const start = s.time_window_start === undefined ? undefined : parseAudienceTime(s.time_window_start);
    const end = s.time_window_end === undefined ? undefined : parseAudienceTime(s.time_window_end);
    if (s.time_window_start !== undefined && start === undefined) problems.push(timeProblem("time_window_start"));
    if (s.time_window_end !== undefined && end === undefined) problems.push(timeProblem("time_window_end"));
    if (start && end && start >= end) problems.push({ path: "time_window_end", severity: "error", message: "must be after time_window_start" });
  }
  return problems;
}

function timeProblem(path: string): Problem {
  return { path, severity: "error", message: "must be a UTC date-time yyyy-MM-ddTHH:mm:ss (a trailing Z is optional), e.g. 2023-06-25T00:00:00" };
}

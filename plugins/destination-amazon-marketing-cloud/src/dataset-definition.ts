import { z } from "@conveyor/core";
import { countryCodeProblem } from "./country.js";

/** AMC's column and data types (as its create-dataset call takes them). */
export const DATA_TYPES = ["STRING", "DECIMAL", "INTEGER", "LONG", "TIMESTAMP", "DATE"] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const HASHED_PII_TYPES = ["EMAIL", "FIRST_NAME", "LAST_NAME", "PHONE", "ADDRESS", "CITY", "STATE", "ZIP", "COUNTRY_CODE"] as const;
export type HashedPiiType = (typeof HASHED_PII_TYPES)[number];

export const DATASET_ID = /^[a-z][_a-z0-9]+$/;
export const DATASET_ID_RULE = "must be a lowercase AMC dataset id: a letter, then letters, digits or _ (e.g. my_dataset)";

const datasetColumn = z
  .object({
    name: z.string().min(1),
    columnType: z.enum(["DIMENSION", "METRIC"]).default("DIMENSION"),
    dataType: z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), z.enum(DATA_TYPES)),
    nullable: z.boolean().default(true),
    isMainEventTime: z.boolean().optional(),
    externalUserIdType: z.object({ hashedPii: z.enum(HASHED_PII_TYPES) }).passthrough().optional(),
    consentType: z.string().optional(),
  })
  .passthrough();

/** The `dataSet` object AMC takes and returns (unknown members kept: AMC ignores them). */
export const datasetSchema = z
  .object({
    dataSetId: z.string().regex(DATASET_ID, DATASET_ID_RULE),
    description: z.string().optional(),
    period: z.enum(["P1D", "P1M", "PT1H"]).optional(),
    countryCode: z.string().optional(),
    columns: z.array(datasetColumn).min(1).max(100),
  })
  .passthrough();

export type DatasetColumn = z.output<typeof datasetColumn>;
export type Dataset = z.output<typeof datasetSchema>;

/**
 * The `dataset_definition` setting: the seed's JSON (a string, `{"dataSet": {…}}`), or the same
 * as an object; a bare dataSet object is accepted too. The dataset id may be left out: it is
 * the `dataset_id` setting's.
 */
export function parseDatasetDefinition(raw: unknown, datasetId: string | undefined): { dataset?: Dataset; problems: Array<{ path: string; message: string }> } {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      return { problems: [{ path: "", message: `is not valid JSON: ${(error as Error).message}` }] };
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { problems: [{ path: "", message: 'must be a JSON object such as {"dataSet": {"dataSetId": …, "columns": […]}}' }] };
  const inner = (value as { dataSet?: unknown }).dataSet ?? value;
  const withId = inner && typeof inner === "object" && datasetId !== undefined && (inner as { dataSetId?: unknown }).dataSetId === undefined ? { ...inner, dataSetId: datasetId } : inner;
  const parsed = datasetSchema.safeParse(withId);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        path: ["dataSet", ...issue.path.map(String)].join("."),
        message: issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message,
      })),
    };
  }
  const problems: Array<{ path: string; message: string }> = [];
  const dataset = parsed.data;
  if (datasetId !== undefined && dataset.dataSetId !== datasetId) {
    problems.push({ path: "dataSet.dataSetId", message: `is "${dataset.dataSetId}" but dataset_id is "${datasetId}"; they must be the same` });
  }
  const countryProblem = dataset.countryCode === undefined ? undefined : countryCodeProblem(dataset.countryCode);
  if (countryProblem) problems.push({ path: "dataSet.countryCode", message: countryProblem });
  const mainEventTimes = dataset.columns.filter((c) => c.isMainEventTime);
  if (mainEventTimes.length > 1) problems.push({ path: "dataSet.columns", message: `has ${mainEventTimes.length} columns with isMainEventTime; a fact dataset has exactly one` });
  for (const c of mainEventTimes) {
    if (c.dataType !== "TIMESTAMP" && c.dataType !== "DATE") problems.push({ path: "dataSet.columns", message: `main event time column "${c.name}" must be TIMESTAMP or DATE, not ${c.dataType}` });
  }
  const names = new Set<string>();
  for (const c of dataset.columns) {
    if (names.has(c.name.toLowerCase())) problems.push({ path: "dataSet.columns", message: `column "${c.name}" appears twice (names are compared case-insensitively)` });
    names.add(c.name.toLowerCase());
  }
  return problems.length > 0 ? { problems } : { dataset, problems };
}

/** The main event time column of a fact dataset, if it is one. */
export function mainEventTimeColumn(dataset: Dataset): DatasetColumn | undefined {
  return dataset.columns.find((c) => c.isMainEventTime === true);
}

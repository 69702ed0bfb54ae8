/**
 * Dataset definitions: `POST …/dataSets` validation (the `dataSet` wrapper, enums, ≤ 100 columns,
 * the id pattern) and the defaults `GET …/dataSets/{id}` fills in.
 */
import { countryCodeProblem, isIsoCountry } from "./countries.js";
import { badRequest } from "./errors.js";

export const HASHED_PII_TYPES = ["ADDRESS", "CITY", "COUNTRY_CODE", "EMAIL", "FIRST_NAME", "LAST_NAME", "PHONE", "STATE", "ZIP"] as const;
export type HashedPiiType = (typeof HASHED_PII_TYPES)[number];
const COLUMN_TYPES = ["DIMENSION", "METRIC"];
export const DATA_TYPES = ["STRING", "DECIMAL", "INTEGER", "LONG", "TIMESTAMP", "DATE"] as const;
export type DataType = (typeof DATA_TYPES)[number];
const CONSENT_TYPES = ["AMZN_AD_STORAGE", "AMZN_USER_DATA", "GPP", "TCF"];
const PERIODS = ["P1D", "P1M", "PT1H"];
const EXTERNAL_ID_TYPES = ["EXPERIAN", "IDFA", "KANTAR", "LIVERAMP", "MAID", "MERKLE", "NEUSTAR", "REALID", "SAMBATV"];
export const MAX_COLUMNS = 100;
export const DATASET_ID = /^[a-z][_a-z0-9]+$/;

export interface Column {
  name: string;
  description?: string;
  columnType: string;
  dataType: DataType;
  nullable: boolean;
  isMainEventTime: boolean;
  isMainUserId: boolean;
  isMainUserIdType: boolean;
  isCountryCode: boolean;
  requiresOneWayHashing: boolean;
  externalUserIdType?: Record<string, unknown>;
  consentType?: string;
}

export interface DataSet {
  dataSetId: string;
  description?: string;
  period: string;
  countryCode?: string;
  columns: Column[];
}

/** The hashed-PII type of a column (`{hashedPii: EMAIL}` or `{hashedExternalIdentity: {identifierType: EMAIL}}`). */
export function piiTypeOf(column: Column): HashedPiiType | undefined {
  const t = column.externalUserIdType;
  if (!t) return undefined;
  const value = typeof t["hashedPii"] === "string" ? t["hashedPii"] : (t["hashedExternalIdentity"] as { identifierType?: unknown } | undefined)?.identifierType;
  return HASHED_PII_TYPES.includes(value as HashedPiiType) ? (value as HashedPiiType) : undefined;
}

export const mainEventTimeColumn = (dataSet: DataSet): Column | undefined => dataSet.columns.find((c) => c.isMainEventTime);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function oneOf(errors: string[], path: string, value: unknown, allowed: readonly string[], required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== "string" || !allowed.includes(value)) errors.push(`${path} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`);
}

function optionalBoolean(errors: string[], path: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") errors.push(`${path} must be a boolean`);
}

function validateColumn(errors: string[], raw: unknown, i: number): Column | undefined {
  const path = `dataSet.columns[${i}]`;
  if (!isObject(raw)) {
    errors.push(`${path} must be an object`);
    return undefined;
  }
  if (typeof raw["name"] !== "string" || raw["name"].trim() === "") errors.push(`${path}.name is required`);
  oneOf(errors, `${path}.columnType`, raw["columnType"], COLUMN_TYPES, true);
  oneOf(errors, `${path}.dataType`, raw["dataType"], DATA_TYPES, true);
  oneOf(errors, `${path}.consentType`, raw["consentType"], CONSENT_TYPES, false);
  for (const flag of ["nullable", "isMainEventTime", "isMainUserId", "isMainUserIdType", "isCountryCode", "requiresOneWayHashing"]) optionalBoolean(errors, `${path}.${flag}`, raw[flag]);
  const idType = raw["externalUserIdType"];
  if (idType !== undefined) {
    const hashed = isObject(idType) ? (idType["hashedPii"] ?? (isObject(idType["hashedExternalIdentity"]) ? idType["hashedExternalIdentity"]["identifierType"] : undefined)) : undefined;
    const external = isObject(idType) && isObject(idType["externalIdentity"]) ? idType["externalIdentity"]["identityType"] ?? idType["externalIdentity"]["type"] : undefined;
    if (hashed !== undefined) oneOf(errors, `${path}.externalUserIdType.hashedPii`, hashed, HASHED_PII_TYPES, true);
    else if (external !== undefined) oneOf(errors, `${path}.externalUserIdType.externalIdentity`, external, EXTERNAL_ID_TYPES, true);
    else errors.push(`${path}.externalUserIdType must hold hashedPii (one of ${HASHED_PII_TYPES.join(", ")}) or an external identity`);
  }
  if (raw["isMainEventTime"] === true && raw["dataType"] !== "TIMESTAMP" && raw["dataType"] !== "DATE") {
    errors.push(`${path}: the main event time column must be TIMESTAMP or DATE`);
  }
  return {
    name: String(raw["name"]),
    ...(typeof raw["description"] === "string" ? { description: raw["description"] } : {}),
    columnType: String(raw["columnType"]),
    dataType: raw["dataType"] as DataType,
    nullable: raw["nullable"] !== false,
    isMainEventTime: raw["isMainEventTime"] === true,
    isMainUserId: raw["isMainUserId"] === true,
    isMainUserIdType: raw["isMainUserIdType"] === true,
    isCountryCode: raw["isCountryCode"] === true,
    requiresOneWayHashing: raw["requiresOneWayHashing"] === true,
    ...(isObject(idType) ? { externalUserIdType: idType } : {}),
    ...(typeof raw["consentType"] === "string" ? { consentType: raw["consentType"] } : {}),
  };
}

/** Validates a create-dataset body; unknown members are ignored, as AMC does. Throws a 400 listing every problem. */
export function validateCreateDataSet(body: unknown): DataSet {
  if (!isObject(body) || !isObject(body["dataSet"])) throw badRequest('The request body must be {"dataSet": {…}}');
  const raw = body["dataSet"];
  const errors: string[] = [];
  const id = raw["dataSetId"];
  if (typeof id !== "string" || !DATASET_ID.test(id)) errors.push(`dataSet.dataSetId must match ${DATASET_ID.source} (lower case, starting with a letter); got ${JSON.stringify(id)}`);
  oneOf(errors, "dataSet.period", raw["period"], PERIODS, false);
  if (raw["countryCode"] !== undefined && !isIsoCountry(raw["countryCode"])) errors.push(countryCodeProblem("dataSet.countryCode", raw["countryCode"]));
  const rawColumns = raw["columns"];
  let columns: Column[] = [];
  if (!Array.isArray(rawColumns) || rawColumns.length === 0) errors.push("dataSet.columns must be a non-empty array");
  else if (rawColumns.length > MAX_COLUMNS) errors.push(`dataSet.columns has ${rawColumns.length} columns; at most ${MAX_COLUMNS} are allowed`);
  else {
    columns = rawColumns.map((c, i) => validateColumn(errors, c, i)).filter((c): c is Column => c !== undefined);
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name.toLowerCase())) errors.push(`dataSet.columns: duplicate column name ${c.name}`);
      seen.add(c.name.toLowerCase());
    }
    if (columns.filter((c) => c.isMainEventTime).length > 1) errors.push("dataSet.columns: at most one column may have isMainEventTime");
  }
  if (errors.length > 0) throw badRequest(`Invalid data set definition: ${errors[0]}`, errors);
  return {
    dataSetId: id as string,
    ...(typeof raw["description"] === "string" ? { description: raw["description"] } : {}),
    period: typeof raw["period"] === "string" ? raw["period"] : "P1D",
    ...(typeof raw["countryCode"] === "string" ? { countryCode: raw["countryCode"] } : {}),
    columns,
  };
}

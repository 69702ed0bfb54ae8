/**
 * What AMC does with an upload: read the objects from S3 as its data-upload account (the real
 * AWS SDK through the S3 emulator's SigV4 front), check each object's `instanceId` tag, unpack,
 * parse the CSV and check every value against the dataset's columns (hashed PII must be SHA-256
 * hex). The result is the rows to store, or the message a FAILED upload reports.
 */
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { parseDelimited } from "../exports/parse.js";
import { countryCodeProblem, isIsoCountry } from "./countries.js";
import { mainEventTimeColumn, piiTypeOf, type Column, type DataSet } from "./datasets.js";
import { badRequest } from "./errors.js";
import { UPDATE_STRATEGIES, type Row, type UpdateStrategy } from "./rows.js";

export interface DataSource {
  sourceS3Bucket: string;
  sourceFileS3Key?: string;
  sourceS3Prefix?: string;
  sourceManifestS3Key?: string;
}

export interface UploadRequest {
  updateStrategy: UpdateStrategy;
  countryCode?: string;
  compressionFormat: string;
  dataSource: DataSource;
  fileFormat: Record<string, unknown>;
}

/** `rejected`: why some rows were left out (the upload is then PARTIAL_SUCCESS). */
export type IngestResult = { ok: true; rows: Row[]; rejected?: string } | { ok: false; message: string };

const COMPRESSION = ["BZIP", "GZIP", "NONE", "SNAPPY", "ZIP"];
const FILE_FORMATS = ["csvDataFormat", "jsonDataFormat", "parquetDataFormat"];
const SOURCES = ["sourceFileS3Key", "sourceS3Prefix", "sourceManifestS3Key"] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks `POST …/uploads/{dataSetId}`; a 400 lists every problem. */
export function validateUploadRequest(body: unknown, dataSet: DataSet): UploadRequest {
  if (!isObject(body)) throw badRequest("The request body must be a JSON object");
  const errors: string[] = [];
  const strategy = body["updateStrategy"];
  if (!UPDATE_STRATEGIES.includes(strategy as UpdateStrategy)) errors.push(`updateStrategy must be one of ${UPDATE_STRATEGIES.join(", ")}; got ${JSON.stringify(strategy)}`);
  else if (String(strategy).startsWith("OVERLAP_") && !mainEventTimeColumn(dataSet)) {
    errors.push(`updateStrategy ${String(strategy)} needs a fact data set (a column with isMainEventTime); ${dataSet.dataSetId} has none`);
  }
  if (!COMPRESSION.includes(body["compressionFormat"] as string)) errors.push(`compressionFormat must be one of ${COMPRESSION.join(", ")}; got ${JSON.stringify(body["compressionFormat"])}`);
  if (body["countryCode"] !== undefined && !isIsoCountry(body["countryCode"])) errors.push(countryCodeProblem("countryCode", body["countryCode"]));
  const source = body["dataSource"];
  if (!isObject(source) || typeof source["sourceS3Bucket"] !== "string" || source["sourceS3Bucket"] === "") errors.push("dataSource.sourceS3Bucket is required");
  else if (SOURCES.filter((k) => typeof source[k] === "string" && source[k] !== "").length !== 1) {
    errors.push(`dataSource must have exactly one of ${SOURCES.join(", ")}`);
  }
  const format = body["fileFormat"];
  if (!isObject(format) || FILE_FORMATS.filter((k) => format[k] !== undefined).length !== 1) errors.push(`fileFormat must have exactly one of ${FILE_FORMATS.join(", ")}`);
  else if (format["jsonDataFormat"] !== undefined && !["LINES", "DOCUMENT"].includes(format["jsonDataFormat"] as string)) errors.push("fileFormat.jsonDataFormat must be LINES or DOCUMENT");
  else if (format["parquetDataFormat"] !== undefined && format["parquetDataFormat"] !== "PARQUET_DATA_FORMAT") errors.push("fileFormat.parquetDataFormat must be PARQUET_DATA_FORMAT");
  else if (format["csvDataFormat"] !== undefined && !isObject(format["csvDataFormat"])) errors.push("fileFormat.csvDataFormat must be an object");
  if (errors.length > 0) throw badRequest(`Invalid upload request: ${errors[0]}`, errors);
  return body as unknown as UploadRequest;
}

class IngestFailure extends Error {}

export interface IngestContext {
  s3: S3Client;
  instanceId: string;
  dataUploadAccountId: string;
}

const hidden = (key: string) => /^[._]/.test(key.slice(key.lastIndexOf("/") + 1));

async function keysOf(ctx: IngestContext, source: DataSource): Promise<Array<[bucket: string, key: string]>> {
  const bucket = source.sourceS3Bucket;
  if (source.sourceFileS3Key) {
    if (hidden(source.sourceFileS3Key)) throw new IngestFailure(`s3://${bucket}/${source.sourceFileS3Key}: file names must not start with "." or "_"`);
    return [[bucket, source.sourceFileS3Key]];
  }
  if (source.sourceManifestS3Key) {
    // Amazon's uploader tags the manifest for the instance as well as the files it lists.
    await checkTag(ctx, bucket, source.sourceManifestS3Key);
    const text = (await readObject(ctx, bucket, source.sourceManifestS3Key)).toString("utf8");
    const entries = manifestEntries(text, `s3://${bucket}/${source.sourceManifestS3Key}`);
    for (const [b, key] of entries) if (hidden(key)) throw new IngestFailure(`s3://${b}/${key}: file names must not start with "." or "_"`);
    return entries;
  }
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Call(ctx, bucket, source.sourceS3Prefix!, () =>
      ctx.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: source.sourceS3Prefix, ContinuationToken: token })));
    keys.push(...(page.Contents ?? []).map((c) => c.Key!).filter((k) => !hidden(k) && !k.endsWith("/")));
    token = page.NextContinuationToken;
  } while (token);
  if (keys.length === 0) throw new IngestFailure(`No objects under s3://${bucket}/${source.sourceS3Prefix}`);
  return keys.map((k) => [bucket, k]);
}

const MANIFEST_LINE = /^s3:\/\/([^/\s]+)\/(\S+)$/;

/**
 * A manifest as Amazon documents it (and its own uploader writes it): a text file with one
 * `s3://bucket/key` URL per line. Blank lines are skipped; anything else fails the upload.
 */
export function manifestEntries(text: string, where: string): Array<[bucket: string, key: string]> {
  const entries: Array<[string, string]> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const url = MANIFEST_LINE.exec(line);
    if (!url) {
      const shown = JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
      throw new IngestFailure(`${where} line ${i + 1}: ${shown} is not an s3://bucket/key URL; a manifest is a text file with one s3://bucket/key URL per line`);
    }
    entries.push([url[1]!, url[2]!]);
  });
  if (entries.length === 0) throw new IngestFailure(`${where} lists no files; a manifest is a text file with one s3://bucket/key URL per line`);
  return entries;
}

async function s3Call<T>(ctx: IngestContext, bucket: string, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as Error).name;
    const hint = name === "AccessDenied"
      ? `; the bucket policy must let the data-upload account ${ctx.dataUploadAccountId} s3:GetObject, s3:GetObjectTagging and s3:ListBucket on ${bucket}`
      : "";
    throw new IngestFailure(`AMC could not read s3://${bucket}/${key}: ${name}${hint}`);
  }
}

async function readObject(ctx: IngestContext, bucket: string, key: string): Promise<Buffer> {
  const object = await s3Call(ctx, bucket, key, () => ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function checkTag(ctx: IngestContext, bucket: string, key: string): Promise<void> {
  const tagging = await s3Call(ctx, bucket, key, () => ctx.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key })));
  const tag = tagging.TagSet?.find((t) => t.Key === "instanceId")?.Value;
  if (tag !== ctx.instanceId) {
    throw new IngestFailure(`s3://${bucket}/${key} must be tagged instanceId=${ctx.instanceId}; ${tag === undefined ? "it has no instanceId tag" : `its tag is instanceId=${tag}`}`);
  }
}

const INT32 = [-(2 ** 31), 2 ** 31 - 1];
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n];

/** Why a value does not fit its column, or undefined when it does. */
function invalidValue(column: Column, value: string): string | undefined {
  if (piiTypeOf(column)) return /^[0-9a-fA-F]{64}$/.test(value) ? undefined : `hashed ${piiTypeOf(column)} must be a SHA-256 hex digest (64 hex characters)`;
  switch (column.dataType) {
    case "STRING": return undefined;
    case "INTEGER": return /^-?\d+$/.test(value) && Number(value) >= INT32[0]! && Number(value) <= INT32[1]! ? undefined : "must be a 32-bit INTEGER";
    case "LONG": return /^-?\d+$/.test(value) && BigInt(value) >= INT64[0]! && BigInt(value) <= INT64[1]! ? undefined : "must be a LONG";
    case "DECIMAL": return /^-?\d+(\.\d+)?$/.test(value) ? undefined : "must be a DECIMAL";
    case "TIMESTAMP": return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : "must be a TIMESTAMP yyyy-MM-ddTHH:mm:ssZ";
    case "DATE": return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : "must be a DATE yyyy-MM-dd";
  }
}

const MAX_REPORTED = 5;

/** Parses one file's CSV into rows keyed by the dataset's column names, collecting row errors. */
async function rowsOf(dataSet: DataSet, bytes: Buffer, delimiter: string, where: string, errors: string[], seen: Set<string>): Promise<Row[]> {
  const [header, ...records] = await parseDelimited(bytes, delimiter).catch((error: unknown) => {
    throw new IngestFailure(`${where} is not valid CSV: ${(error as Error).message}`);
  });
  if (!header) throw new IngestFailure(`${where} is empty; a CSV file needs a header row`);
  const byName = new Map(dataSet.columns.map((c) => [c.name.toLowerCase(), c]));
  const columns = header.map((name) => {
    const column = byName.get(name.trim().toLowerCase());
    if (!column) throw new IngestFailure(`${where}: column ${JSON.stringify(name)} is not in data set ${dataSet.dataSetId}`);
    seen.add(column.name);
    return column;
  });
  const rows: Row[] = [];
  records.forEach((record, i) => {
    const fail = (why: string) => errors.push(`${where} row ${i + 2}: ${why}`);
    if (record.length !== columns.length) return fail(`has ${record.length} fields; the header has ${columns.length}`);
    const row: Row = Object.fromEntries(dataSet.columns.map((c) => [c.name, null]));
    for (const [j, column] of columns.entries()) {
      const value = record[j]!;
      if (value === "") {
        // A fact row without its event time cannot be placed in a time partition.
        if (!column.nullable || column.isMainEventTime) return fail(`column ${column.name} is not nullable but is empty`);
        continue;
      }
      const why = invalidValue(column, value);
      if (why) return fail(`column ${column.name} ${why}; got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`);
      row[column.name] = piiTypeOf(column) ? value.toLowerCase() : value;
    }
    rows.push(row);
  });
  return rows;
}

/** Runs the whole ingestion; never throws (a failure is the FAILED upload's message). */
export async function ingest(ctx: IngestContext, dataSet: DataSet, request: UploadRequest): Promise<IngestResult> {
  try {
    const csv = request.fileFormat["csvDataFormat"] as { fieldDelimiter?: string } | undefined;
    if (!csv) throw new IngestFailure("The emulator ingests CSV files only (fileFormat.csvDataFormat)");
    if (request.compressionFormat !== "GZIP" && request.compressionFormat !== "NONE") {
      throw new IngestFailure(`compressionFormat ${request.compressionFormat}: the emulator reads GZIP and NONE only`);
    }
    const errors: string[] = [];
    const seen = new Set<string>();
    const rows: Row[] = [];
    for (const [bucket, key] of await keysOf(ctx, request.dataSource)) {
      const where = `s3://${bucket}/${key}`;
      await checkTag(ctx, bucket, key);
      let bytes = await readObject(ctx, bucket, key);
      if (request.compressionFormat === "GZIP") {
        try {
          bytes = gunzipSync(bytes);
        } catch {
          throw new IngestFailure(`${where} is not gzip data but compressionFormat is GZIP`);
        }
      }
      rows.push(...(await rowsOf(dataSet, bytes, csv.fieldDelimiter ?? ",", where, errors, seen)));
    }
    const missing = dataSet.columns.filter((c) => (!c.nullable || c.isMainEventTime) && !seen.has(c.name)).map((c) => c.name);
    if (missing.length > 0) throw new IngestFailure(`The files lack required column(s) ${missing.join(", ")} of data set ${dataSet.dataSetId}`);
    const reported = errors.slice(0, MAX_REPORTED).join("; ");
    if (errors.length > 0 && rows.length === 0) throw new IngestFailure(`${errors.length} invalid row(s); nothing was ingested. ${reported}`);
    // Valid rows are ingested even when others are not: the upload ends PARTIAL_SUCCESS.
    return errors.length > 0 ? { ok: true, rows, rejected: `${errors.length} invalid row(s) were not ingested. ${reported}` } : { ok: true, rows };
  } catch (error) {
    if (error instanceof IngestFailure) return { ok: false, message: error.message };
    return { ok: false, message: `Internal error while ingesting: ${(error as Error).message}` };
  }
}

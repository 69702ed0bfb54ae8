import { createS3Client, requireAwsConnection, type AwsConnection } from "@conveyor/aws";
import { fileNumber, joinKey, type DestinationContext, type RetryPolicy, type SendReport, type SendRequest, type SkippedRows, type WrittenObject } from "@conveyor/core";
import type { PiiStats } from "@conveyor/pii";
import { settingsProblem } from "./actions.js";
import type { AmcClient } from "./client.js";
import { convertRows, planUpload, type UploadPlan } from "./columns.js";
import { parseDatasetDefinition } from "./dataset-definition.js";
import { ensureDataset } from "./datasets.js";
import type { AmcUploadSettings } from "./settings.js";
import { deleteStaged, stageRows, type StagingTarget } from "./staging.js";
import { getUpload, submitUpload, waitForUpload, type DataSource } from "./uploads.js";

export const DESTINATION = "The amazon-marketing-cloud destination";
/** The job's credential for the Amazon Ads API (login-with-amazon). */
export const API_CREDENTIAL = "api";
/** The job's credential for the S3 bucket uploads are staged in (aws). */
export const STAGING_CREDENTIAL = "staging";

/** What the upload task records, so a retried run neither stages nor posts again. */
interface SubmittedUpload {
  uploadId: string;
  adopted: boolean;
  objects: WrittenObject[];
  rows: number;
  bytes: number;
  dataSource: DataSource;
  skipped: SkippedRows[];
  pii: PiiStats;
}

/** The staging bucket: the destination's `bucket`, else the staging credential's. */
export function stagingBucket(s: AmcUploadSettings, connection: AwsConnection): string {
  const bucket = s.bucket ?? connection.bucket;
  if (bucket) return bucket;
  throw settingsProblem("bucket", "is required for uploads (the S3 bucket AMC reads the staged files from), and the staging credential names none either", "set bucket to the staging bucket AMC may read");
}

/**
 * Upload: the dataset (created from its definition when asked), the column plan
 * (refused before anything is written), hashed and converted rows staged as gzip CSV in S3, the
 * upload posted once, then — with wait_until_finish — polled until AMC finishes and the files removed.
 */
export async function runUpload(request: SendRequest, context: DestinationContext, s: AmcUploadSettings, client: AmcClient, retryPolicy: RetryPolicy): Promise<SendReport> {
  const datasetId = s.dataset_id;
  const definition = s.dataset_definition === undefined ? undefined : parseDatasetDefinition(s.dataset_definition, datasetId).dataset;
  const { dataset, created } = await ensureDataset(client, { datasetId, create: s.create_dataset, ...(definition ? { definition } : {}) });
  const plan = planUpload(request.schema, dataset);
  const connection = requireAwsConnection(await context.credential(STAGING_CREDENTIAL), DESTINATION);
  const bucket = stagingBucket(s, connection);
  const s3 = createS3Client(connection, { followRegionRedirects: true });
  const target: StagingTarget = { client: s3, bucket, prefix: s.path_prefix.replace(/^\/+/, ""), instanceId: client.instanceId, retryPolicy, identity: connection.identity };
  const runtime = { retryPolicy, clock: context.clock, signal: context.signal, logger: context.logger };
  try {
    const submitted = await context.tasks.run<SubmittedUpload>(`amc upload ${datasetId}`, async () => {
      const conversion = convertRows(plan, s.country_code);
      // One folder per run (a retried run keeps its id): a later run never overwrites files AMC
      // may still be reading, and an upload's dataSource names exactly one run's files.
      const folder = `${s.file_name_prefix}${request.baseName}/${context.runId}`;
      const staged = await stageRows(conversion.rows(request.rows), plan.schema, { baseName: folder, partName: (n) => `${folder}/${fileNumber(n)}` }, target, context, s.part_megabytes);
      const objects = staged.manifest ? [...staged.objects, staged.manifest] : staged.objects;
      // A refused upload leaves the staged files: they are tasks of this run, which its retry reuses.
      const posted = await submitUpload(
        client,
        datasetId,
        { updateStrategy: s.update_strategy, countryCode: s.country_code, compressionFormat: "GZIP", dataSource: staged.dataSource, fileFormat: { csvDataFormat: { fieldDelimiter: "," } } },
        runtime,
      );
      return { ...posted, objects, rows: staged.rows, bytes: staged.bytes, dataSource: staged.dataSource, skipped: conversion.skipped(), pii: conversion.pii() };
    });
    const warnings = [...(plan.ignored.length ? [`query columns not in dataset "${datasetId}" were ignored: ${plan.ignored.join(", ")}`] : []), ...piiWarnings(submitted.pii, plan)];
    const details: Record<string, unknown> = {
      target: "dataset",
      operation: "upload",
      dataset_id: datasetId,
      dataset_created: created,
      upload_id: submitted.uploadId,
      upload_adopted: submitted.adopted,
      update_strategy: s.update_strategy,
      data_source: submitted.dataSource,
      ...(plan.ignored.length ? { ignored_columns: plan.ignored } : {}),
    };
    if (s.wait_until_finish) {
      const done = await waitForUpload(client, datasetId, submitted.uploadId, { ...runtime, timeoutMs: s.wait_timeout_minutes * 60_000, bucket, ...(s.amc_data_upload_account_id ? { dataUploadAccountId: s.amc_data_upload_account_id } : {}) });
      details.status = done.status;
      if (done.metrics?.OutputRowCount !== undefined) details.OutputRowCount = done.metrics.OutputRowCount;
      if (done.status === "PARTIAL_SUCCESS") {
        warnings.push(`AMC ingested upload ${submitted.uploadId} only in part${done.metrics?.OutputRowCount !== undefined ? ` (${done.metrics.OutputRowCount} rows)` : ""}: ${done.message ?? "AMC gave no reason"}`);
      }
      if (s.clean_upload_file) {
        await deleteStaged(target, submitted.objects.map((o) => o.key));
        details.cleaned = true;
      }
    } else {
      details.status = (await getUpload(client, datasetId, submitted.uploadId)).status;
    }
    return {
      objects: submitted.objects,
      rows: submitted.rows,
      bytes: submitted.objects.reduce((sum, o) => sum + o.size, 0),
      ...(submitted.skipped.length ? { skippedRows: submitted.skipped } : {}),
      ...(warnings.length ? { warnings } : {}),
      details,
    };
  } finally {
    s3.destroy();
  }
}

/**
 * Says what became of PII values that did not normalize: in a nullable column they went as null;
 * in a non-nullable one the row was skipped (and is counted in skippedRows).
 */
function piiWarnings(stats: PiiStats, plan: UploadPlan): string[] {
  const nullable = new Map(plan.columns.map((c) => [c.dataset.name, c.dataset.nullable]));
  return stats.columns
    .filter((c) => c.invalid > 0)
    .map((c) => {
      const values = `${c.invalid} ${c.type} value${c.invalid === 1 ? "" : "s"} in column "${c.column}" could not be normalized`;
      if (nullable.get(c.column) === false) return `${values}; ${c.invalid === 1 ? "its row was" : "their rows were"} skipped (the column is not nullable)`;
      return `${values} and ${c.invalid === 1 ? "was" : "were"} sent as null`;
    });
}

/** Where the connection test probes: the staged files' prefix. */
export function stagingPrefix(s: AmcUploadSettings): string {
  return joinKey(s.path_prefix.replace(/^\/+/, ""), "");
}

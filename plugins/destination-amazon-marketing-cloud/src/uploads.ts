import { backoffDelay, ConnectorError, type Clock, type Logger, type RetryPolicy } from "@conveyor/core";
import { bucketNotReadable, looksLikeBucketAccess, uploadFailed } from "./actions.js";
import type { AmcClient } from "./client.js";
import { mayHaveHappened } from "./http.js";
import { poll } from "./poll.js";
import { amcTimestamp } from "./time.js";

export type DataSource = { sourceS3Bucket: string; sourceFileS3Key: string } | { sourceS3Bucket: string; sourceManifestS3Key: string };

export interface UploadBody {
  updateStrategy: string;
  countryCode: string;
  compressionFormat: "GZIP";
  dataSource: DataSource;
  fileFormat: { csvDataFormat: { fieldDelimiter: "," } };
}

export interface UploadView {
  uploadId: string;
  dataSetId?: string;
  status: string;
  message?: string;
  metrics?: { OutputRowCount?: number };
  dataSource?: Record<string, unknown>;
  createdAt?: string;
}

interface Runtime {
  retryPolicy: RetryPolicy;
  clock: Clock;
  signal: AbortSignal;
  logger: Logger;
}

const uploadsPath = (client: AmcClient, rest: string) => `/amc/advertiserData/${encodeURIComponent(client.instanceId)}/uploads/${rest}`;

/**
 * POSTs the upload exactly once as far as AMC is concerned. A create is not idempotent: after a
 * 5xx, a timeout or a dropped connection AMC may have accepted it, so before posting again the
 * dataset's recent uploads are listed and one reading the same files is adopted instead.
 */
export async function submitUpload(client: AmcClient, datasetId: string, body: UploadBody, runtime: Runtime): Promise<{ uploadId: string; adopted: boolean }> {
  const since = amcTimestamp(new Date(runtime.clock.now().getTime() - 7 * 24 * 3600 * 1000));
  // The files are this run's alone, so an upload reading them can only be this run's: one an
  // earlier attempt posted before its answer was lost.
  const earlier = await findUpload(client, datasetId, body.dataSource, since);
  if (earlier) return { uploadId: earlier.uploadId, adopted: true };
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await client.request<{ uploadId?: string }>({
        operation: `create upload to ${datasetId}`,
        method: "POST",
        path: uploadsPath(client, encodeURIComponent(datasetId)),
        body,
        api: "data",
        retries: "throttling",
      });
      if (!created.uploadId) throw new ConnectorError({ code: "amc.unexpected-response", category: "internal", message: "AMC accepted the upload but returned no uploadId" });
      return { uploadId: created.uploadId, adopted: false };
    } catch (error) {
      if (!mayHaveHappened(error) || attempt >= runtime.retryPolicy.maxAttempts) throw error;
      const existing = await findUpload(client, datasetId, body.dataSource, since);
      if (existing) {
        runtime.logger.warn({ upload_id: existing.uploadId, dataset_id: datasetId }, "AMC had accepted the upload although its answer was lost; adopting it");
        return { uploadId: existing.uploadId, adopted: true };
      }
      await runtime.clock.sleep(backoffDelay(attempt, runtime.retryPolicy), runtime.signal);
    }
  }
}

/** The dataset's upload (created since `since`) that reads exactly these files, if any. */
export async function findUpload(client: AmcClient, datasetId: string, source: DataSource, since: string): Promise<UploadView | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.request<{ uploads?: UploadView[]; nextToken?: string }>({
      operation: `list uploads of ${datasetId}`,
      method: "POST",
      path: uploadsPath(client, "list"),
      query: { dataSetId: datasetId, createdAt: since, createdAtComparator: "GTE", ...(nextToken ? { nextToken } : {}) },
      api: "data",
    });
    const match = (page.uploads ?? []).find((u) => sameSource(u.dataSource, source));
    if (match) return match;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

function sameSource(listed: Record<string, unknown> | undefined, ours: DataSource): boolean {
  if (!listed) return false;
  return Object.entries(ours).every(([k, v]) => listed[k] === v);
}

export async function getUpload(client: AmcClient, datasetId: string, uploadId: string): Promise<UploadView> {
  const body = await client.request<{ upload?: UploadView }>({
    operation: `get upload ${uploadId}`,
    method: "GET",
    path: uploadsPath(client, `${encodeURIComponent(datasetId)}/${encodeURIComponent(uploadId)}`),
    api: "data",
  });
  if (!body.upload) throw new ConnectorError({ code: "amc.unexpected-response", category: "internal", message: `AMC returned no upload for ${uploadId}` });
  return body.upload;
}

/**
 * The statuses of a finished upload. COMPLETED (the older API's SUCCESS) and PARTIAL_SUCCESS —
 * some rows refused, the others ingested, so the files must not be posted again — are returned;
 * FAILED is thrown. Anything else (PENDING, IN_PROGRESS, the older SUBMITTED) is polled again.
 */
const UPLOAD_INGESTED: ReadonlySet<string> = new Set(["COMPLETED", "SUCCESS", "PARTIAL_SUCCESS"]);

/**
 * Polls until AMC finishes the upload and returns it; FAILED becomes the "upload failed" workflow
 * action with AMC's message — or "let AMC read the bucket" when that is what it says.
 */
export async function waitForUpload(
  client: AmcClient,
  datasetId: string,
  uploadId: string,
  options: Runtime & { timeoutMs: number; bucket: string; dataUploadAccountId?: string },
): Promise<UploadView> {
  const upload = await poll(
    async () => {
      const view = await getUpload(client, datasetId, uploadId);
      return UPLOAD_INGESTED.has(view.status) || view.status === "FAILED" ? view : undefined;
    },
    { clock: options.clock, signal: options.signal, timeoutMs: options.timeoutMs, what: `AMC upload ${uploadId}` },
  );
  if (upload.status !== "FAILED") return upload;
  const message = upload.message ?? "AMC gave no reason";
  if (looksLikeBucketAccess(message)) {
    throw bucketNotReadable({ bucket: options.bucket, instanceId: client.instanceId, amcMessage: message, uploadId, ...(options.dataUploadAccountId ? { dataUploadAccountId: options.dataUploadAccountId } : {}) });
  }
  throw uploadFailed({ datasetId, uploadId, amcMessage: message });
}

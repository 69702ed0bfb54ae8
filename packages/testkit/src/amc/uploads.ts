/** `POST …/uploads/{dataSetId}`, its status and `POST …/uploads/list`; each upload is a job. */
import { badRequest, notFound } from "./errors.js";
import { ids } from "./ids.js";
import { ingest, validateUploadRequest, type DataSource, type IngestContext, type IngestResult } from "./ingest.js";
import { amcTime, type JobQueue } from "./jobs.js";
import { applyStrategy, type UpdateStrategy } from "./rows.js";
import { page, type AmcStore } from "./store.js";

/** Amazon's upload statuses: PENDING when created, then IN_PROGRESS, then one of the other three. */
export type UploadStatus = "PENDING" | "IN_PROGRESS" | "COMPLETED" | "PARTIAL_SUCCESS" | "FAILED";

export interface UploadView {
  uploadId: string;
  dataSetId: string;
  instanceId: string;
  status: UploadStatus;
  message?: string;
  metrics?: { OutputRowCount: number };
  dataSource: DataSource;
  countryCode?: string;
  createdAt: string;
  updatedAt: string;
}

interface UploadRecord {
  view: UploadView;
  createdMs: number;
  updateStrategy: UpdateStrategy;
  result?: IngestResult;
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  EQ: (a, b) => a === b, GT: (a, b) => a > b, GTE: (a, b) => a >= b, LT: (a, b) => a < b, LTE: (a, b) => a <= b,
};

export class Uploads {
  private readonly records: UploadRecord[] = [];

  constructor(private readonly store: AmcStore, private readonly queue: JobQueue, private readonly ctx: IngestContext) {}

  create(dataSetId: string, body: unknown): { uploadId: string } {
    const dataSet = this.store.dataSet(dataSetId);
    const request = validateUploadRequest(body, dataSet);
    const now = this.queue.clock.now();
    const record: UploadRecord = {
      createdMs: now,
      updateStrategy: request.updateStrategy,
      view: {
        uploadId: ids.upload(), dataSetId, instanceId: this.ctx.instanceId, status: "PENDING",
        dataSource: request.dataSource, ...(request.countryCode ? { countryCode: request.countryCode } : {}),
        createdAt: amcTime(now), updatedAt: amcTime(now),
      },
    };
    this.records.push(record);
    // AMC reads the files right away in the background; the clock decides when the result shows.
    const work = ingest(this.ctx, dataSet, request).then((result) => void (record.result = result));
    const setStatus = (status: UploadStatus, at: number) => Object.assign(record.view, { status, updatedAt: amcTime(at) });
    this.queue.add({
      createdAt: now,
      done: false,
      start: () => void (record.view.status === "PENDING" && setStatus("IN_PROGRESS", this.queue.clock.now())),
      ready: () => record.result !== undefined,
      finish: (at) => {
        const result = record.result!;
        if (!result.ok) {
          setStatus("FAILED", at);
          record.view.message = result.message;
          return;
        }
        const applied = applyStrategy(dataSet, this.store.rows.get(dataSetId) ?? [], result.rows, record.updateStrategy);
        this.store.rows.set(dataSetId, applied.rows);
        setStatus(result.rejected ? "PARTIAL_SUCCESS" : "COMPLETED", at);
        if (result.rejected) record.view.message = result.rejected;
        record.view.metrics = { OutputRowCount: applied.added };
      },
    }, work);
    return { uploadId: record.view.uploadId };
  }

  get(dataSetId: string, uploadId: string): { upload: UploadView } {
    const record = this.records.find((r) => r.view.uploadId === uploadId && r.view.dataSetId === dataSetId);
    if (!record) throw notFound(`Upload ${uploadId} of data set ${dataSetId} does not exist`);
    return { upload: { ...record.view } };
  }

  /** Filters: dataSetId, status, createdAt with createdAtComparator (default GTE); newest first. */
  list(params: URLSearchParams): { uploads: UploadView[]; nextToken?: string } {
    const dataSetId = params.get("dataSetId");
    const status = params.get("status");
    const createdAt = params.get("createdAt");
    const comparator = params.get("createdAtComparator") ?? "GTE";
    if (!COMPARATORS[comparator]) throw badRequest(`createdAtComparator must be one of ${Object.keys(COMPARATORS).join(", ")}`);
    const since = createdAt === null ? undefined : Date.parse(createdAt);
    if (since !== undefined && Number.isNaN(since)) throw badRequest(`createdAt must be a timestamp such as 2024-01-31T12:00:00Z; got ${createdAt}`);
    const matching = this.records
      .filter((r) => (dataSetId === null || r.view.dataSetId === dataSetId) && (status === null || r.view.status === status))
      .filter((r) => since === undefined || COMPARATORS[comparator]!(Math.floor(r.createdMs / 1000) * 1000, since))
      .reverse()
      .map((r) => ({ ...r.view }));
    const { items, nextToken } = page(matching, params);
    return { uploads: items, ...(nextToken ? { nextToken } : {}) };
  }

  all(): UploadView[] {
    return this.records.map((r) => ({ ...r.view }));
  }
}

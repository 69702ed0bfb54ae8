/**
 * Multipart bookkeeping s3rver lacks: which uploads are started but neither completed nor
 * aborted (ListMultipartUploads), and AbortMultipartUpload, which discards the stored parts.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { xmlElements } from "./xml.js";

export interface PendingUpload {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date;
  initiatorArn: string;
  /** `x-amz-tagging` given at creation, applied when the upload completes. */
  tagging?: string;
  /** Server-side-encryption headers given at creation, echoed on parts and completion. */
  sse?: Record<string, string>;
}

// Where s3rver's filesystem store keeps an upload's parts: <dir>/<bucket>/._S3rver_uploads/<id>.
const UPLOADS_DIR = "._S3rver_uploads";

export class MultipartTracker {
  private readonly uploads = new Map<string, PendingUpload>();

  constructor(private readonly dataDir: string) {}

  /** Picks up uploads left pending in a data directory from an earlier run. */
  async loadExisting(): Promise<void> {
    for (const bucket of await readdir(this.dataDir).catch(() => [] as string[])) {
      const dir = join(this.dataDir, bucket, UPLOADS_DIR);
      for (const uploadId of await readdir(dir).catch(() => [] as string[])) {
        const key = await readFile(join(dir, uploadId, "key"), "utf8").catch(() => undefined);
        if (key === undefined) continue;
        const initiated = (await stat(join(dir, uploadId))).mtime;
        this.uploads.set(uploadId, { bucket, key, uploadId, initiated, initiatorArn: "unknown" });
      }
    }
  }

  add(upload: PendingUpload): void {
    this.uploads.set(upload.uploadId, upload);
  }

  get(uploadId: string): PendingUpload | undefined {
    return this.uploads.get(uploadId);
  }

  completed(uploadId: string): void {
    this.uploads.delete(uploadId);
  }

  async abort(uploadId: string): Promise<void> {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    await rm(join(this.dataDir, upload.bucket, UPLOADS_DIR, uploadId), { recursive: true, force: true });
  }

  list(bucket?: string, prefix = ""): PendingUpload[] {
    return [...this.uploads.values()]
      .filter((u) => (bucket === undefined || u.bucket === bucket) && u.key.startsWith(prefix))
      .sort((a, b) => (a.key === b.key ? a.initiated.getTime() - b.initiated.getTime() : a.key < b.key ? -1 : 1));
  }

  listXml(bucket: string, prefix: string): string {
    const uploads = this.list(bucket, prefix)
      .map((u) => {
        const who = `<ID>${u.initiatorArn}</ID><DisplayName>emulator</DisplayName>`;
        return (
          `<Upload>${xmlElements({ Key: u.key, UploadId: u.uploadId })}<Initiator>${who}</Initiator><Owner>${who}</Owner>` +
          `${xmlElements({ StorageClass: "STANDARD", Initiated: u.initiated.toISOString() })}</Upload>`
        );
      })
      .join("");
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      xmlElements({ Bucket: bucket, KeyMarker: "", UploadIdMarker: "", NextKeyMarker: "", NextUploadIdMarker: "", Prefix: prefix, MaxUploads: 1000, IsTruncated: "false" }) +
      uploads +
      `</ListMultipartUploadsResult>`
    );
  }
}

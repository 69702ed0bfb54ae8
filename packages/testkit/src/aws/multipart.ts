/**
 * Multipart bookkeeping s3rver lacks: which uploads are started but neither completed nor
 * aborted (ListMultipartUploads), AbortMultipartUpload, which discards the stored parts, and
 * the ETag AWS gives a completed multipart object.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { s3Errors } from "./s3-errors.js";
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

// Where s3rver's filesystem store keeps an upload's parts: <dir>/<bucket>/._S3rver_uploads/<id>/<n>,
// each with its MD5 in <n>.md5; and an object's MD5 (its ETag): <dir>/<bucket>/<key>._S3rver_object.md5.
const UPLOADS_DIR = "._S3rver_uploads";

export interface CompletedPart {
  partNumber: number;
  /** As the client sent it, quotes and all. */
  etag: string;
}

const unescapeXml = (s: string) =>
  s.replace(/&(quot|amp|apos|lt|gt);/g, (_, e: string) => ({ quot: '"', amp: "&", apos: "'", lt: "<", gt: ">" })[e]!);

/** The parts a CompleteMultipartUpload body lists, in its order. */
export function completedParts(xml: string): CompletedPart[] {
  const parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, inner]) => {
    const partNumber = Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(inner!)?.[1]);
    const etag = /<ETag>([^<]*)<\/ETag>/.exec(inner!)?.[1];
    if (!Number.isInteger(partNumber) || etag === undefined) throw s3Errors.malformedXml();
    return { partNumber, etag: unescapeXml(etag) };
  });
  if (parts.length === 0) throw s3Errors.malformedXml();
  return parts;
}

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

  /**
   * The ETag AWS gives the object these parts complete: the MD5 of the parts' binary MD5s, then
   * `-<number of parts>`. As on AWS, the parts must be listed in ascending order, each uploaded
   * and named by its own ETag.
   */
  async multipartEtag(upload: PendingUpload, parts: readonly CompletedPart[]): Promise<string> {
    const md5 = createHash("md5");
    let previous = 0;
    for (const { partNumber, etag } of parts) {
      if (partNumber <= previous) throw s3Errors.invalidPartOrder();
      previous = partNumber;
      const path = join(this.dataDir, upload.bucket, UPLOADS_DIR, upload.uploadId, `${partNumber}.md5`);
      const stored = await readFile(path, "utf8").catch(() => undefined);
      if (stored === undefined || stored !== etag.replace(/"/g, "")) throw s3Errors.invalidPart(partNumber, etag);
      md5.update(Buffer.from(stored, "hex"));
    }
    return `${md5.digest("hex")}-${parts.length}`;
  }

  /** Makes s3rver answer `etag` for the object on GetObject, HeadObject and ListObjects. */
  async setObjectEtag(bucket: string, key: string, etag: string): Promise<void> {
    const dirs = key.split("/");
    const name = dirs.pop()!;
    await writeFile(join(this.dataDir, bucket, ...dirs, `${name}._S3rver_object.md5`), etag);
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

import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { retry, type RetryPolicy, type WrittenObject } from "@conveyor/core";
import { s3Error } from "./s3-access-errors.js";
import { isTransientS3Error } from "./s3-transient.js";
import { MAX_PARTS, partSize } from "./part-sizes.js";

export interface ObjectTarget {
  bucket: string;
  key: string;
  contentType: string;
  /** Object tags, sent as `x-amz-tagging`. */
  tags?: Record<string, string>;
  serverSideEncryption?: { type: "AES256" } | { type: "aws:kms"; kmsKeyId?: string };
}

export interface UploadOptions {
  client: S3Client;
  /** Parts in flight at once. */
  concurrency: number;
  retryPolicy: RetryPolicy;
  /** For messages and the permission hint: the destination's prefix. */
  prefix: string;
  /** Who is writing (role ARN or access key id), for messages. */
  identity?: string;
  signal?: AbortSignal;
  /** Part n's size; default {@link partSize}. */
  partSizeOf?: (n: number) => number;
  /** Called for each request retried, for logs. */
  onRetry?: (info: { operation: string; attempt: number; error: unknown }) => void;
  /** Called as bytes are read from the body. */
  onBytes?: (bytes: number) => void;
}

/**
 * Streams `body` to one S3 object. Under one part it is a single PutObject; otherwise a
 * multipart upload with `concurrency` parts in flight — reading stops while they are, so memory
 * stays at about (concurrency + 1) parts. Each request is retried on its own with backoff and
 * jitter; a failed upload is aborted, so no parts are left behind and nothing half-written
 * becomes visible.
 */
export async function uploadObject(body: Readable, target: ObjectTarget, options: UploadOptions): Promise<WrittenObject> {
  const hash = createHash("sha256");
  let size = 0;
  const sizeOf = options.partSizeOf ?? partSize;
  const common = {
    Bucket: target.bucket,
    Key: target.key,
    ContentType: target.contentType,
    ...(target.tags && Object.keys(target.tags).length > 0 ? { Tagging: new URLSearchParams(target.tags).toString() } : {}),
    ...sseParameters(target),
  };
  const send = <T>(operation: string, call: () => Promise<T>) =>
    retry(call, {
      ...options.retryPolicy,
      isRetryable: isTransientS3Error,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: ({ attempt, error }) => options.onRetry?.({ operation, attempt, error }),
    }).catch((error: unknown) => {
      throw uploadError(error, target, options, operation);
    });

  const parts = readParts(body, sizeOf, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
    options.onBytes?.(size);
  });
  const first = await parts.next();
  const firstPart = first.done ? Buffer.alloc(0) : first.value;
  const second = first.done ? first : await parts.next();
  if (second.done) {
    await send("PutObject", () => options.client.send(new PutObjectCommand({ ...common, Body: firstPart, ContentLength: firstPart.length }), sendOptions(options)));
    return { key: target.key, size, sha256: hash.digest("hex") };
  }

  const created = await send("CreateMultipartUpload", () => options.client.send(new CreateMultipartUploadCommand(common), sendOptions(options)));
  const uploadId = created.UploadId!;
  const etags: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const uploadPart = (n: number, bytes: Buffer) => {
    const task = send(`UploadPart ${n}`, () =>
      options.client.send(
        new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumber: n, Body: bytes, ContentLength: bytes.length }),
        sendOptions(options),
      ),
    ).then(
      (result) => void (etags[n - 1] = result.ETag!),
      (error: unknown) => void (failure ??= error),
    );
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  try {
    let n = 0;
    uploadPart(++n, firstPart);
    uploadPart(++n, second.value);
    for (;;) {
      while (inFlight.size >= options.concurrency && failure === undefined) await Promise.race(inFlight);
      if (failure !== undefined) throw failure;
      const next = await parts.next().catch((error: unknown) => {
        throw new BodyFailed(error);
      });
      if (next.done) break;
      if (n === MAX_PARTS) throw new Error(`object ${target.key} is larger than S3 allows (${MAX_PARTS} parts)`);
      uploadPart(++n, next.value);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    await send("CompleteMultipartUpload", () =>
      options.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
        sendOptions(options),
      ),
    );
    return { key: target.key, size, sha256: hash.digest("hex") };
  } catch (error) {
    await Promise.allSettled(inFlight);
    await abort(options, target, uploadId);
    body.destroy();
    // The body's own failure (the formatter's, the input's) is the run's error, not S3's.
    throw error instanceof BodyFailed ? error.cause : uploadError(error, target, options, "uploading");
  }
}

class BodyFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("reading the body failed");
  }
}

/** An S3 error as the spec's §4 says, naming what the upload needs on the prefix. */
export function uploadError(error: unknown, target: ObjectTarget, options: Pick<UploadOptions, "prefix" | "identity">, operation: string) {
  return s3Error(error, {
    bucket: target.bucket,
    operation: `${operation} s3://${target.bucket}/${target.key}`,
    actions: ["s3:PutObject", "s3:AbortMultipartUpload", ...(target.tags ? ["s3:PutObjectTagging"] : [])],
    resource: `arn:aws:s3:::${target.bucket}/${options.prefix}*`,
    ...(options.identity ? { identity: options.identity } : {}),
  });
}

/** Aborting is cleanup: retried like any request, and its own failure is not the run's error. */
async function abort(options: UploadOptions, target: ObjectTarget, uploadId: string): Promise<void> {
  await retry(() => options.client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId })), {
    ...options.retryPolicy,
    isRetryable: isTransientS3Error,
  }).catch(() => undefined);
}

/** The body cut into parts of the given sizes (the last one shorter). */
async function* readParts(body: Readable, sizeOf: (n: number) => number, seen: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  let n = 1;
  let chunks: Buffer[] = [];
  let length = 0;
  for await (const raw of body) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    seen(chunk);
    chunks.push(chunk);
    length += chunk.length;
    while (length >= sizeOf(n)) {
      const all = Buffer.concat(chunks, length);
      const size = sizeOf(n++);
      yield all.subarray(0, size);
      chunks = [all.subarray(size)];
      length -= size;
    }
  }
  if (length > 0 || n === 1) yield Buffer.concat(chunks, length);
}

function sseParameters(target: ObjectTarget): Record<string, string> {
  const sse = target.serverSideEncryption;
  if (!sse) return {};
  if (sse.type === "AES256") return { ServerSideEncryption: "AES256" };
  return { ServerSideEncryption: "aws:kms", ...(sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}) };
}

function sendOptions(options: UploadOptions): { abortSignal?: AbortSignal } {
  return options.signal ? { abortSignal: options.signal } : {};
}

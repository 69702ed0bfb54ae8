import { createHash } from "node:crypto";
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isTransientS3Error, s3Error, uploadObject } from "@conveyor/aws";
import {
  joinKey,
  retry,
  runFilePipeline,
  type Compressor,
  type DestinationContext,
  type FileSink,
  type Formatter,
  type OutputFile,
  type RetryPolicy,
  type Row,
  type Schema,
  type WrittenObject,
} from "@conveyor/core";

export interface StagingTarget {
  client: S3Client;
  bucket: string;
  /** Key prefix (the `path_prefix` setting). */
  prefix: string;
  /** Every object is tagged `instanceId=<this>`: AMC only reads objects tagged for its instance. */
  instanceId: string;
  retryPolicy: RetryPolicy;
  identity?: string;
}

export interface StagedFiles {
  objects: WrittenObject[];
  rows: number;
  bytes: number;
  /** What the upload request names: one file, or a manifest listing the parts. */
  dataSource: { sourceS3Bucket: string; sourceFileS3Key: string } | { sourceS3Bucket: string; sourceManifestS3Key: string };
  manifest?: WrittenObject;
}

/**
 * Writes the rows as gzip CSV parts (csv formatter split at `partMegabytes` of text, then gzip,
 * composed by id through the host) under the prefix, each tagged for the instance; with more than
 * one part, a manifest naming them all. On failure, what this attempt wrote is deleted.
 */
export async function stageRows(
  rows: AsyncIterable<Row>,
  schema: Schema,
  names: { baseName: string; partName(n: number): string },
  target: StagingTarget,
  context: DestinationContext,
  partMegabytes: number,
): Promise<StagedFiles> {
  const formatter = context.stages.formatter("csv", { header: true, quote_mode: "minimal", split: { megabytes: partMegabytes } }) as Formatter;
  const compressor = context.stages.compressor("gzip", {}) as Compressor;
  const sink = new TaggedSink(target, context);
  try {
    const result = await runFilePipeline(rows, { formatter, compressor, sink }, { ...context, schema, baseName: names.baseName, partName: names.partName }, context.progress);
    if (result.objects.length === 1) {
      return { ...result, dataSource: { sourceS3Bucket: target.bucket, sourceFileS3Key: result.objects[0]!.key } };
    }
    const manifest = await writeManifest(target, joinKey(target.prefix, `${names.baseName}/manifest.txt`), result.objects);
    sink.written.push(manifest);
    return { ...result, manifest, dataSource: { sourceS3Bucket: target.bucket, sourceManifestS3Key: manifest.key } };
  } catch (error) {
    await deleteStaged(target, sink.written.map((o) => o.key)).catch(() => undefined);
    throw error;
  }
}

/** Uploads each file (multipart, retried per request) tagged for the instance. */
class TaggedSink implements FileSink {
  readonly written: WrittenObject[] = [];
  constructor(
    private readonly target: StagingTarget,
    private readonly context: DestinationContext,
  ) {}

  async write(file: OutputFile, signal?: AbortSignal): Promise<WrittenObject> {
    const key = joinKey(this.target.prefix, file.name);
    const written = await uploadObject(
      file.body,
      { bucket: this.target.bucket, key, contentType: file.contentType, tags: { instanceId: this.target.instanceId } },
      {
        client: this.target.client,
        concurrency: 4,
        retryPolicy: this.target.retryPolicy,
        prefix: this.target.prefix,
        ...(this.target.identity ? { identity: this.target.identity } : {}),
        ...(signal ? { signal } : {}),
        onRetry: ({ operation, attempt }) => this.context.logger.warn({ key, operation, attempt }, "retrying S3 request"),
      },
    );
    this.written.push(written);
    return written;
  }
}

/**
 * The manifest the upload names when there is more than one part, in the format Amazon documents
 * (and its own uploader, amazon-marketing-cloud-uploader-from-aws, writes): a text file with one
 * `s3://bucket/key` URL per line.
 */
export function manifestBody(bucket: string, objects: readonly WrittenObject[]): string {
  return objects.map((o) => `s3://${bucket}/${o.key}\n`).join("");
}

async function writeManifest(target: StagingTarget, key: string, objects: readonly WrittenObject[]): Promise<WrittenObject> {
  const body = Buffer.from(manifestBody(target.bucket, objects));
  await retry(
    () =>
      target.client.send(
        new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: body, ContentType: "text/plain; charset=utf-8", Tagging: new URLSearchParams({ instanceId: target.instanceId }).toString() }),
      ),
    { ...target.retryPolicy, isRetryable: isTransientS3Error },
  ).catch((error: unknown) => {
    throw s3Error(error, { bucket: target.bucket, operation: `writing the manifest s3://${target.bucket}/${key}`, actions: ["s3:PutObject", "s3:PutObjectTagging"], resource: `arn:aws:s3:::${target.bucket}/${key}` });
  });
  return { key, size: body.length, sha256: createHash("sha256").update(body).digest("hex") };
}

/** Deletes staged objects (after AMC ingested them, or when staging failed). */
export async function deleteStaged(target: Pick<StagingTarget, "client" | "bucket" | "retryPolicy">, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    if (batch.length === 0) continue;
    const out = await retry(() => target.client.send(new DeleteObjectsCommand({ Bucket: target.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })), {
      ...target.retryPolicy,
      isRetryable: isTransientS3Error,
    }).catch((error: unknown) => {
      throw s3Error(error, { bucket: target.bucket, operation: `deleting the staged files from s3://${target.bucket}`, actions: ["s3:DeleteObject"], resource: `arn:aws:s3:::${target.bucket}/*` });
    });
    const failed = out.Errors ?? [];
    if (failed.length > 0) throw s3Error(Object.assign(new Error(failed[0]!.Message ?? "delete failed"), { name: failed[0]!.Code ?? "DeleteFailed" }), { bucket: target.bucket, operation: `deleting s3://${target.bucket}/${failed[0]!.Key}`, actions: ["s3:DeleteObject"], resource: `arn:aws:s3:::${target.bucket}/*` });
  }
}

import { Readable } from "node:stream";
import { DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { isTransientS3Error, S3ObjectSink, s3Error } from "@conveyor/aws";
import {
  resolveStageChain,
  retry,
  runFilePipeline,
  stageChoicesOf,
  stageContextOf,
  type DestinationContext,
  type RetryPolicy,
  type Row,
  type Schema,
  type StageReference,
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

/** The csv formatter (split at `partMegabytes` of text) and gzip compressor the staged parts go through. */
export function stagingStages(partMegabytes: number): StageReference[] {
  return [
    { kind: "formatter", id: "csv", settings: { header: true, quote_mode: "minimal", split: { megabytes: partMegabytes } }, path: "operation", settingPaths: { split: "part_megabytes" } },
    { kind: "compressor", id: "gzip", settings: {}, path: "operation" },
  ];
}

/**
 * Writes the rows as gzip CSV parts (`stagingStages`, composed by id through the host) under the
 * prefix, each tagged for the instance; with more than
 * one part, a manifest naming them all. Each object is a task of the run: a retried run does not
 * upload again what an earlier attempt staged, so staged objects outlive a failed attempt (a
 * failed multipart upload is aborted, so nothing half-written is left).
 */
export async function stageRows(
  rows: AsyncIterable<Row>,
  schema: Schema,
  names: { baseName: string; partName(n: number): string },
  target: StagingTarget,
  context: DestinationContext,
  partMegabytes: number,
): Promise<StagedFiles> {
  const stages = resolveStageChain(stageChoicesOf(stagingStages(partMegabytes)), context.stages);
  const sink = new S3ObjectSink({
    client: target.client,
    bucket: target.bucket,
    prefix: target.prefix,
    retryPolicy: target.retryPolicy,
    concurrency: 4,
    ...(target.identity ? { identity: target.identity } : {}),
    objectSettings: { tags: { instanceId: target.instanceId } },
    logger: context.logger,
    run: context,
  });
  const result = await runFilePipeline(rows, { ...stages, sink }, stageContextOf({ schema, ...names }, context), context.progress);
  if (result.objects.length === 1) {
    return { ...result, dataSource: { sourceS3Bucket: target.bucket, sourceFileS3Key: result.objects[0]!.key } };
  }
  const manifest = await sink.write({ name: `${names.baseName}/manifest.txt`, body: Readable.from([Buffer.from(manifestBody(target.bucket, result.objects))]), contentType: "text/plain; charset=utf-8" }, context.signal);
  return { ...result, manifest, dataSource: { sourceS3Bucket: target.bucket, sourceManifestS3Key: manifest.key } };
}

/**
 * The manifest the upload names when there is more than one part, in the format Amazon documents
 * (and its own uploader, amazon-marketing-cloud-uploader-from-aws, writes): a text file with one
 * `s3://bucket/key` URL per line.
 */
function manifestBody(bucket: string, objects: readonly WrittenObject[]): string {
  return objects.map((o) => `s3://${bucket}/${o.key}\n`).join("");
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

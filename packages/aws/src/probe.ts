import { randomBytes } from "node:crypto";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { ConnectionCheck } from "@conveyor/core";
import type { AwsConnection } from "./connection.js";
import { objectsResource } from "./policies.js";
import { s3Error } from "./s3-access-errors.js";
import { createS3Client } from "./s3-client.js";

export interface ProbeOptions {
  bucket: string;
  /** Where exports go; the probe object is written under it. Default "": the bucket's root. */
  prefix?: string;
  /** Delete the probe object afterwards (needs s3:DeleteObject); a failed delete is a warning. */
  cleanup: boolean;
  /** For the probe's name. */
  now: Date;
  signal?: AbortSignal;
}

/** The probe's key: under the prefix, named so a person who finds a leftover knows what it is. */
export function probeKey(prefix: string, now: Date): string {
  return `${prefix}.conveyor-connection-test-${now.getTime()}-${randomBytes(4).toString("hex")}`;
}

/**
 * The bucket probe of a connection test: PutObject of a small object under the prefix (proves
 * the bucket exists and the identity may write there), then DeleteObject when cleanup is on.
 */
export async function probeBucket(connection: AwsConnection, options: ProbeOptions): Promise<ConnectionCheck[]> {
  const prefix = options.prefix ?? "";
  const key = probeKey(prefix, options.now);
  const client = createS3Client(connection);
  const where = `s3://${options.bucket}/${key}`;
  const resource = objectsResource(options.bucket, prefix);
  const abort = options.signal ? { abortSignal: options.signal } : {};
  try {
    await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: "conveyor connection test\n", ContentType: "text/plain" }), abort);
  } catch (error) {
    const failure = s3Error(error, { bucket: options.bucket, operation: `writing the probe object ${where}`, actions: ["s3:PutObject"], resource, identity: connection.identity });
    return [{ name: "bucket write", status: "failed", message: failure.message, error: failure.toJSON() }];
  }
  const checks: ConnectionCheck[] = [{ name: "bucket write", status: "ok", message: `wrote ${where}` }];
  if (!options.cleanup) return checks;
  try {
    await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key }), abort);
    checks.push({ name: "probe cleanup", status: "ok", message: `deleted ${where}` });
  } catch (error) {
    const failure = s3Error(error, { bucket: options.bucket, operation: `deleting the probe object ${where}`, actions: ["s3:DeleteObject"], resource, identity: connection.identity });
    checks.push({
      name: "probe cleanup",
      status: "warning",
      message: `could not delete ${where} (${failure.message}); delete it by hand, or turn probe cleanup off`,
      error: failure.toJSON(),
    });
  }
  return checks;
}

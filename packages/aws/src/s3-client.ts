import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { AwsConnection } from "./connection.js";

/**
 * An S3 client for a connection. Checksums only "when required": streamed bodies of unknown
 * length are then sent as plain bytes, which every S3-compatible store (and s3rver) accepts,
 * instead of aws-chunked framing that some store verbatim.
 */
export function createS3Client(connection: AwsConnection, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: connection.region,
    credentials: connection.credentials,
    forcePathStyle: connection.forcePathStyle,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Retries are ours (per part, with the run's policy); the SDK's own would double them.
    maxAttempts: 1,
    ...(connection.s3Endpoint ? { endpoint: connection.s3Endpoint } : {}),
    ...overrides,
  });
}

import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import type { AwsConnection } from "./connection.js";

const attempt = (retries: number): RetryToken => ({ getRetryCount: () => retries, getRetryDelay: () => 0 });

/**
 * Retries one thing only, once: a request S3 refused because this host's clock is more than
 * 15 minutes off (RequestTimeTooSkewed). The SDK has by then learnt S3's time from the answer,
 * so the retry is signed in it and passes.
 */
export const clockSkewRetry: RetryStrategyV2 = {
  acquireInitialRetryToken: async () => attempt(0),
  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo) {
    if (token.getRetryCount() === 0 && info.error?.name === "RequestTimeTooSkewed") return attempt(1);
    throw info.error ?? new Error("not retried");
  },
  recordSuccess: () => {},
};

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
    // Other retries are ours (per part, with the run's policy); the SDK's own would double them.
    retryStrategy: clockSkewRetry,
    ...(connection.s3Endpoint ? { endpoint: connection.s3Endpoint } : {}),
    ...overrides,
  });
}

import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An S3 client as the plugins create it for s3rver (see the testkit README for why WHEN_REQUIRED). */
export function s3Client(
  endpoint: string,
  credentials: S3ClientConfig["credentials"],
  extra: Partial<S3ClientConfig> = {},
): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
    ...extra,
  });
}

export function creds(identity: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): AwsCredentialIdentity {
  return {
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
  };
}

/** The error the SDK threw, for asserting its name and HTTP status. */
export async function caught(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number }; Code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error("Expected the call to fail, but it succeeded");
}

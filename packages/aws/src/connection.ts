import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { ConnectorError } from "@conveyor/core";

/**
 * What an AWS credential plugin resolves to, and what AWS destinations take: a credential
 * provider that refreshes itself, where to talk to, and (for some credentials) the bucket.
 */
export interface AwsConnection {
  readonly kind: "aws";
  readonly credentials: AwsCredentialIdentityProvider;
  readonly region: string;
  /** A full URL overriding the S3 endpoint (S3-compatible stores, emulators). */
  readonly s3Endpoint?: string;
  readonly forcePathStyle: boolean;
  /** The bucket the credential was set up for (iam-role-to-role names one). */
  readonly bucket?: string;
  /** Who this is, for messages: a role ARN or an access key id — never a secret. */
  readonly identity: string;
}

export function isAwsConnection(value: unknown): value is AwsConnection {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "aws";
}

/** The connection a destination was given, or a clear error when its credential is not an AWS one. */
export function requireAwsConnection(value: unknown, destination: string): AwsConnection {
  if (isAwsConnection(value)) return value;
  throw awsCredentialRequired(destination);
}

export function awsCredentialRequired(destination: string): ConnectorError {
  return new ConnectorError({
    code: "settings.invalid",
    category: "invalid-input",
    message: `${destination} needs an AWS credential (iam-role-to-role, aws-access-key or aws-assume-role) in the job's credential`,
  });
}

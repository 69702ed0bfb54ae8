import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { ConnectorError, z, type Problem, type WorkflowAction } from "@conveyor/core";
import type { AwsPlatformSettings } from "./common-settings.js";

/**
 * The credential kind of the AWS credentials: what they declare as `provides` and AWS
 * destinations accept in their credential roles. Such a credential resolves to an {@link AwsConnection}.
 */
export const AWS_CREDENTIAL_KIND = "aws";

/**
 * What an AWS credential plugin resolves to, and what AWS destinations take
 * (`context.credential<AwsConnection>()`): a credential provider that refreshes itself, where to
 * talk to, and (for some credentials) the bucket.
 */
export interface AwsConnection {
  readonly kind: typeof AWS_CREDENTIAL_KIND;
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

/**
 * Platform settings of the credentials that start from the host's own AWS identity
 * (iam-role-to-role, aws-assume-role), beside `awsPlatformSettings`.
 */
export const hostIdentitySettings = {
  aws_default_credentials: z
    .boolean()
    .default(false)
    .describe("With no aws_access_key_id: use the AWS SDK's default credential chain (environment, profile, instance or task role) as the host's identity."),
};

export type HostIdentityPlatform = AwsPlatformSettings & { aws_default_credentials: boolean };

const hostIdentityAction: WorkflowAction = {
  kind: "fix-credentials",
  id: "credentials.invalid",
  title: "Invalid credentials",
  problem: "The host's own AWS credentials, from which Conveyor assumes the roles, are not configured.",
  steps: [
    "Ask the platform's operators to set the host's AWS identity in its platform settings: aws_access_key_id and aws_secret_access_key (and aws_session_token for temporary keys).",
    "Where the host runs with an instance or task role instead, have them set aws_default_credentials: true.",
    "Validate the job again.",
  ],
};

/**
 * The host's base identity is missing when its keys are incomplete (an id without its secret,
 * or the reverse; a session token without keys), or when there are no keys and the host has not
 * chosen the SDK's default chain (`aws_default_credentials`). Whether that chain finds anything
 * is only known by asking it (an instance role answers over the network), so choosing it is the
 * host's explicit decision rather than a silent fallback that fails at run time.
 */
export function hostIdentityProblems(platform: HostIdentityPlatform): Problem[] {
  const missing = (path: string, message: string): Problem[] => [{ path, message, severity: "error", code: "credentials.invalid", action: hostIdentityAction }];
  const hasId = platform.aws_access_key_id !== undefined;
  if (hasId && platform.aws_secret_access_key === undefined) return missing("aws_secret_access_key", "is missing: aws_access_key_id is set without its secret");
  if (hasId) return [];
  if (platform.aws_secret_access_key !== undefined || platform.aws_session_token !== undefined) {
    return missing("aws_access_key_id", "is missing: the host's secret access key or session token is set without its access key id");
  }
  if (platform.aws_default_credentials) return [];
  return missing(
    "aws_access_key_id",
    "is required for the host's base AWS identity (with aws_secret_access_key), unless aws_default_credentials: true chooses the AWS SDK's default chain (environment, profile, instance or task role)",
  );
}

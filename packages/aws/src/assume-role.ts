import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { Clock, Logger } from "@conveyor/core";
import { stsError } from "./sts-errors.js";

/** AWS caps a session assumed with assumed-role credentials (role chaining) at one hour. */
export const CHAINED_MAX_DURATION_SECONDS = 3600;
/** Refresh this long before expiry, so a request signed just before never arrives expired. */
export const DEFAULT_REFRESH_BEFORE_SECONDS = 300;

export type CredentialSource = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface StsOptions {
  region: string;
  /** A full URL (emulators, VPC endpoints); default the regional STS endpoint. */
  endpoint?: string;
  /** Bounds every STS call, so a black-holed endpoint fails instead of hanging a run. */
  requestTimeoutMs?: number;
}

export interface AssumeRoleOptions extends StsOptions {
  source: CredentialSource;
  roleArn: string;
  externalId?: string;
  sessionName: string;
  /** Default 3600; at most {@link CHAINED_MAX_DURATION_SECONDS} when `chained`. */
  durationSeconds?: number;
  /** The source is itself an assumed-role session. */
  chained?: boolean;
  /** "now" for the refresh rule: the run's injected clock. */
  clock: Clock;
  refreshBeforeSeconds?: number;
  /** What the hop is, for messages and logs: "platform role", "target role". */
  label?: string;
  logger?: Logger;
}

/**
 * A provider the SDK uses as it is: `memoized` tells the SDK not to wrap it in its own cache,
 * whose expiry check reads the system time rather than the run's clock.
 */
export type RefreshingProvider = AwsCredentialIdentityProvider & { memoized: true };

export function stsClient(credentials: CredentialSource, options: StsOptions): STSClient {
  return new STSClient({
    region: options.region,
    credentials,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 15_000, connectionTimeout: 5_000 },
  });
}

/** Effective DurationSeconds: the requested one, capped at one hour for chained sessions. */
export function sessionDuration(requested: number | undefined, chained: boolean): number {
  const duration = requested ?? CHAINED_MAX_DURATION_SECONDS;
  return chained ? Math.min(duration, CHAINED_MAX_DURATION_SECONDS) : duration;
}

/** One AssumeRole call; failures become `credentials.invalid` (or `sts.unavailable`). */
export async function assumeRoleOnce(options: AssumeRoleOptions): Promise<AwsCredentialIdentity & { expiration: Date }> {
  const label = options.label ?? "role";
  let output;
  try {
    output = await stsClient(options.source, options).send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName,
        DurationSeconds: sessionDuration(options.durationSeconds, options.chained ?? false),
        ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
      }),
    );
  } catch (error) {
    throw stsError(error, { operation: `assuming the ${label}`, roleArn: options.roleArn });
  }
  const c = output.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) {
    throw stsError(Object.assign(new Error("no credentials"), { name: "InvalidToken", $metadata: {} }), { operation: `assuming the ${label}`, roleArn: options.roleArn });
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), expiration: c.Expiration };
}

/**
 * A cached AssumeRole provider: one STS call per session, a new one once the run's clock is
 * within `refreshBeforeSeconds` of expiry (concurrent callers share the refresh), so a
 * multipart upload that outlives one session keeps going.
 */
export function assumeRoleProvider(options: AssumeRoleOptions): RefreshingProvider {
  const refreshBeforeMs = (options.refreshBeforeSeconds ?? DEFAULT_REFRESH_BEFORE_SECONDS) * 1000;
  let current: (AwsCredentialIdentity & { expiration: Date }) | undefined;
  let pending: Promise<AwsCredentialIdentity & { expiration: Date }> | undefined;
  const fresh = () => current !== undefined && options.clock.now().getTime() < current.expiration.getTime() - refreshBeforeMs;
  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (fresh()) return current!;
    pending ??= assumeRoleOnce(options)
      .then((identity) => {
        current = identity;
        options.logger?.info({ role_arn: options.roleArn, expires_at: identity.expiration.toISOString() }, `assumed the ${options.label ?? "role"}`);
        return identity;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return Object.assign(provider, { memoized: true as const });
}

/** The ARN of whoever `credentials` are (STS GetCallerIdentity). */
export async function callerIdentity(credentials: CredentialSource, options: StsOptions): Promise<{ arn: string; account: string }> {
  try {
    const out = await stsClient(credentials, options).send(new GetCallerIdentityCommand({}));
    return { arn: out.Arn ?? "unknown", account: out.Account ?? "unknown" };
  } catch (error) {
    throw stsError(error, { operation: "checking the caller identity" });
  }
}

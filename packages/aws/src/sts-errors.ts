import { ConnectorError, type WorkflowAction } from "@conveyor/core";

/** STS answers that mean "these credentials, this role or this trust policy are wrong". */
export const STS_CREDENTIAL_ERRORS = [
  "AccessDenied",
  "ValidationError",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "InvalidToken",
] as const;

/** Why STS may have said no, in words a person can check — AWS does not say which. */
const REASONS: Record<string, string> = {
  AccessDenied: "the role does not exist, does not trust the caller, or the External ID does not match its trust policy",
  ValidationError: "STS refused the request's parameters (role ARN, session name, External ID or duration)",
  InvalidClientTokenId: "the access key id is not known to AWS (deleted, mistyped, or from another partition)",
  SignatureDoesNotMatch: "the secret access key does not match the access key id",
  ExpiredToken: "the session credentials have expired",
  IncompleteSignature: "the request signature is malformed",
  MissingAuthenticationToken: "no credentials were sent",
  InvalidToken: "the session token is not valid for these keys",
};

/** The "Invalid credentials" workflow action, naming the role (an ARN is not a secret). */
export function invalidCredentialsAction(roleArn?: string): WorkflowAction {
  return {
    kind: "fix-credentials",
    id: "credentials.invalid",
    title: "Invalid credentials",
    problem: `The credentials defined for this workflow are invalid${roleArn ? ` for ${roleArn}` : ""}.`,
    steps: [
      "Open the credentials used by this workflow (the job's `credential` section).",
      `Verify and update them: the target role ARN${roleArn ? ` (${roleArn})` : ""}, and that the role's trust policy allows the platform role with the External ID (the credential's trust policy shows both).`,
      "Return to the failed run and retry the task.",
    ],
  };
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

/** The AWS error code of an SDK error (`AccessDenied`…), or undefined for network failures. */
export function awsErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as SdkError;
  if (e.$metadata?.httpStatusCode === undefined && e.$fault === undefined) return undefined;
  return e.Code ?? e.name;
}

export interface StsFailureContext {
  /** The role being assumed, or the identity being checked. */
  roleArn?: string;
  /** What was being done, for the message: "assuming the platform role". */
  operation: string;
}

/**
 * Maps an STS failure to a ConnectorError. Credential problems become `credentials.invalid`
 * (needs a person); throttling, 5xx and network failures `sts.unavailable` (retryable). AWS's
 * own message is not copied: a ValidationError quotes the rejected value, which may be secret.
 */
export function stsError(error: unknown, context: StsFailureContext): ConnectorError {
  if (ConnectorError.is(error)) return error;
  const code = awsErrorCode(error);
  const status = (error as SdkError | undefined)?.$metadata?.httpStatusCode;
  const transient = code === undefined || (status !== undefined && status >= 500) || /Throttl|RequestLimitExceeded|IDPCommunicationError/.test(code);
  if (transient) {
    return new ConnectorError({
      code: "sts.unavailable",
      category: "transient",
      message: `STS could not be reached while ${context.operation}${code ? ` (${code})` : `: ${(error as Error | undefined)?.message ?? String(error)}`}`,
      details: { ...(code ? { aws_code: code } : {}), ...(status ? { http_status: status } : {}), ...(context.roleArn ? { role_arn: context.roleArn } : {}) },
      cause: error,
    });
  }
  const reason = REASONS[code] ?? "AWS refused the credentials";
  return new ConnectorError({
    code: "credentials.invalid",
    category: "needs-person",
    message: `Invalid credentials: STS answered ${code} while ${context.operation}${context.roleArn ? ` (${context.roleArn})` : ""}: ${reason}`,
    action: invalidCredentialsAction(context.roleArn),
    details: { aws_code: code, ...(status ? { http_status: status } : {}), ...(context.roleArn ? { role_arn: context.roleArn } : {}) },
  });
}

import { ConnectorError, type WorkflowAction } from "@conveyor/core";
import { awsErrorCode, invalidCredentialsAction } from "./sts-errors.js";

/** The "Invalid bucket name" workflow action, with the spec's four steps. */
export function invalidBucketNameAction(bucket: string): WorkflowAction {
  return {
    kind: "fix-settings",
    id: "s3.invalid-bucket-name",
    title: "Invalid bucket name",
    problem: `The Amazon S3 bucket "${bucket}" does not exist or its name is not valid.`,
    steps: [
      "Open the AWS management console and verify the name of the Amazon S3 bucket.",
      "Open the destination (or credential) that is associated with this workflow.",
      "Update it with the correct Amazon S3 bucket name.",
      "Return to the workflow action, and then resolve it to retry.",
    ],
  };
}

/** The "Invalid permissions" workflow action: which actions are missing on which resource. */
export function invalidPermissionsAction(options: { actions: readonly string[]; resource: string; identity?: string }): WorkflowAction {
  return {
    kind: "fix-permissions",
    id: "s3.access-denied",
    title: "Invalid permissions",
    problem: `${options.identity ?? "The credential"} lacks ${options.actions.join(", ")} on ${options.resource}.`,
    steps: [
      `Open the IAM role or user used by this workflow's credential${options.identity ? ` (${options.identity})` : ""}.`,
      `Allow ${options.actions.join(", ")} on ${options.resource} in its permission policy (the credential's least-privilege permission policy lists them); with SSE-KMS also allow kms:GenerateDataKey on the key.`,
      "Return to the failed run and retry the task.",
    ],
  };
}

export interface S3FailureContext {
  bucket: string;
  /** What was being done: "writing the probe object exports/.conveyor-…". */
  operation: string;
  /** The IAM actions the failed call needed. */
  actions: readonly string[];
  /** The ARN those actions apply to. */
  resource: string;
  /** Who was calling (role ARN or access key id), never a secret. */
  identity?: string;
}

const CREDENTIAL_CODES = new Set(["ExpiredToken", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "TokenRefreshRequired"]);

/** Maps an S3 failure to the spec's errors: access denied, bad bucket, bad credentials, transient. */
export function s3Error(error: unknown, context: S3FailureContext): ConnectorError {
  if (ConnectorError.is(error)) return error;
  const code = awsErrorCode(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const details = { bucket: context.bucket, ...(code ? { aws_code: code } : {}), ...(status ? { http_status: status } : {}) };
  if (code === "AccessDenied" || (status === 403 && !CREDENTIAL_CODES.has(code ?? ""))) {
    return new ConnectorError({
      code: "s3.access-denied",
      category: "needs-person",
      message: `Access denied while ${context.operation}: allow ${context.actions.join(", ")} on ${context.resource}`,
      action: invalidPermissionsAction({ actions: context.actions, resource: context.resource, ...(context.identity ? { identity: context.identity } : {}) }),
      details,
    });
  }
  if (code === "NoSuchBucket" || code === "InvalidBucketName") {
    return new ConnectorError({
      code: "s3.invalid-bucket-name",
      category: "needs-person",
      message: `Invalid bucket name: ${code === "NoSuchBucket" ? "no bucket" : "S3 refuses the bucket name"} "${context.bucket}" (while ${context.operation})`,
      action: invalidBucketNameAction(context.bucket),
      details,
    });
  }
  if (code !== undefined && CREDENTIAL_CODES.has(code)) {
    return new ConnectorError({
      code: "credentials.invalid",
      category: "needs-person",
      message: `Invalid credentials: S3 answered ${code} while ${context.operation}${context.identity ? ` as ${context.identity}` : ""}`,
      action: invalidCredentialsAction(context.identity?.startsWith("arn:") ? context.identity : undefined),
      details,
    });
  }
  if (code === undefined || (status !== undefined && status >= 500) || code === "SlowDown" || code === "RequestTimeout") {
    return new ConnectorError({
      code: "s3.transient",
      category: "transient",
      message: `S3 failed while ${context.operation}: ${code ?? (error as Error | undefined)?.message ?? String(error)}`,
      details,
      cause: error,
    });
  }
  return new ConnectorError({ code: "s3.request-failed", category: "internal", message: `S3 answered ${code} while ${context.operation}`, details });
}

import type { AwsPartition } from "./arn.js";

/** An IAM policy document as AWS takes it (and as the testkit's policy model reads it). */
export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Principal?: { AWS: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

/** What a credential prints for `conveyor credential policy <job>`. */
export interface CredentialPolicies {
  /** Attach to the role being assumed (absent for plain access keys). */
  trustPolicy?: IamPolicyDocument;
  /** Attach to the role or user that writes (least privilege for the bucket and prefix). */
  permissionPolicy: IamPolicyDocument;
  /** Sentences that go with them (where to attach, what each grant is for). */
  notes: string[];
}

/** What a credential is asked to make policies for: the job's bucket and prefix. */
export interface PolicyRequest {
  bucket?: string;
  /** Default "": the whole bucket. */
  prefix?: string;
}

/** Implemented by credentials whose policies can be printed; the CLI finds it by duck typing. */
export interface PolicyProvider {
  policies(request: PolicyRequest, context: import("@conveyor/core").PluginContext): Promise<CredentialPolicies>;
}

export function hasPolicies(value: unknown): value is PolicyProvider {
  return typeof (value as Partial<PolicyProvider> | undefined)?.policies === "function";
}

/** The target role's trust policy: the principal may assume it, only with the External ID. */
export function trustPolicy(options: { principalArn: string; externalId?: string; sid?: string }): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: options.sid ?? "AllowConveyorAccess",
        Effect: "Allow",
        Principal: { AWS: options.principalArn },
        Action: "sts:AssumeRole",
        ...(options.externalId === undefined ? {} : { Condition: { StringEquals: { "sts:ExternalId": options.externalId } } }),
      },
    ],
  };
}

/** The actions writing exports needs; `s3:DeleteObject` only when the connection test cleans up its probe. */
export function writeActions(options: { probeCleanup: boolean }): string[] {
  return ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", ...(options.probeCleanup ? ["s3:DeleteObject"] : [])];
}

/** `arn:aws:s3:::bucket/prefix*` — the objects an export may write. */
export function objectsResource(bucket: string, prefix = "", partition: AwsPartition = "aws"): string {
  return `arn:${partition}:s3:::${bucket}/${prefix}*`;
}

/** Least privilege for writing under `prefix` of `bucket`: no listing, no reading. */
export function permissionPolicy(options: { bucket: string; prefix?: string; probeCleanup: boolean; partition?: AwsPartition }): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConveyorWriteExports",
        Effect: "Allow",
        Action: writeActions(options),
        Resource: objectsResource(options.bucket, options.prefix ?? "", options.partition),
      },
    ],
  };
}

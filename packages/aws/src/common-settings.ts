import { z } from "@conveyor/core";

/**
 * Settings every AWS credential takes. `endpoint` wins over `region`; it may be a host name
 * (`s3.ap-northeast-1.amazonaws.com`) or a full URL (S3-compatible stores).
 */
export const awsCommonSettings = {
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1").optional(),
  endpoint: z
    .string()
    .regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?(\/.*)?$/, "must be a host name (s3.ap-northeast-1.amazonaws.com) or a URL (https://…)")
    .optional(),
  force_path_style: z.boolean().optional(),
};

/**
 * Host-provided AWS settings (from `conveyor.config.yaml` `platform:` or `CONVEYOR_*`): the
 * host's base credentials (else the default AWS provider chain) and endpoint overrides.
 */
export const awsPlatformSettings = z.object({
  aws_access_key_id: z.string().optional(),
  aws_secret_access_key: z.string().optional(),
  aws_session_token: z.string().optional(),
  aws_region: z.string().optional(),
  sts_endpoint: z.string().url().optional(),
  s3_endpoint: z.string().url().optional(),
  s3_force_path_style: z.boolean().optional(),
});

export const awsPlatformSecrets = ["aws_secret_access_key", "aws_session_token"] as const;

export type AwsPlatformSettings = z.output<typeof awsPlatformSettings>;

/** A host name becomes an https URL; a URL stays as it is. */
export function endpointUrl(endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}

/** The region an S3 endpoint host names (`s3.ap-northeast-1.amazonaws.com` → ap-northeast-1). */
export function regionOfEndpoint(endpoint: string): string | undefined {
  return /(?:^|\/\/|\.)s3[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/.exec(endpoint)?.[1];
}

import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity } from "@smithy/types";
import { endpointUrl, regionOfEndpoint, type AwsPlatformSettings } from "./common-settings.js";
import type { CredentialSource, StsOptions } from "./assume-role.js";

/** The user-typed options every AWS credential shares (`awsCommonSettings`). */
export interface AwsCommonSettings {
  region?: string | undefined;
  endpoint?: string | undefined;
  force_path_style?: boolean | undefined;
}

export interface ConnectionTarget {
  region: string;
  s3Endpoint?: string;
  forcePathStyle: boolean;
}

/**
 * Where to talk to S3. The user's `endpoint` wins over everything (and names the region when it
 * is an AWS host name); then the user's `region`; then the host's overrides; then us-east-1.
 */
export function connectionTarget(user: AwsCommonSettings, platform: AwsPlatformSettings): ConnectionTarget {
  const endpoint = user.endpoint ? endpointUrl(user.endpoint) : platform.s3_endpoint;
  const region = (user.endpoint ? regionOfEndpoint(user.endpoint) : undefined) ?? user.region ?? platform.aws_region ?? "us-east-1";
  return {
    region,
    ...(endpoint ? { s3Endpoint: endpoint } : {}),
    forcePathStyle: user.force_path_style ?? platform.s3_force_path_style ?? false,
  };
}

/** STS options from the host's settings (STS lives where the host says, whatever the S3 endpoint). */
export function stsOptions(platform: AwsPlatformSettings, region: string): StsOptions {
  return { region: platform.aws_region ?? region, ...(platform.sts_endpoint ? { endpoint: platform.sts_endpoint } : {}) };
}

/**
 * The host's own identity: explicit keys from the host settings (tests, the demo), else the
 * default AWS provider chain (environment, profile, instance or task role).
 */
export function hostBaseCredentials(platform: AwsPlatformSettings): { source: CredentialSource; isSession: boolean; identity: string } {
  if (platform.aws_access_key_id && platform.aws_secret_access_key) {
    const keys: AwsCredentialIdentity = {
      accessKeyId: platform.aws_access_key_id,
      secretAccessKey: platform.aws_secret_access_key,
      ...(platform.aws_session_token ? { sessionToken: platform.aws_session_token } : {}),
    };
    return { source: keys, isSession: Boolean(platform.aws_session_token), identity: platform.aws_access_key_id };
  }
  // An instance or task role is itself an assumed role, so a hop from it is chained.
  return { source: fromNodeProviderChain(), isSession: true, identity: "the host's default AWS credentials" };
}

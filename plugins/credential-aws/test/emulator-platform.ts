import type { EmulatorsInfo } from "@conveyor/testkit";

/** The host settings for the emulators' scenario: exactly the keys `writeConveyorConfig` writes. */
export function platformOf(info: EmulatorsInfo): Record<string, unknown> {
  return {
    platform_role_arn: info.platform_role_arn,
    external_id: info.external_id,
    aws_access_key_id: info.access_key_id,
    aws_secret_access_key: info.secret_access_key,
    aws_region: info.region,
    sts_endpoint: info.sts_endpoint,
    s3_endpoint: info.s3_endpoint,
    s3_force_path_style: true,
  };
}

export const DIRECT_ROLE = "arn:aws:iam::210987654321:role/conveyor-direct";
export const DIRECT_EXTERNAL_ID = "td-external-id:0123456789";

/**
 * S3 + STS + AMC started together with the ready-made scenario of the demo and the docs: the
 * host's base credentials assume a platform role, which assumes the customer's role with an
 * External ID; the customer role may write to the bucket under any prefix; an admin reads
 * everything. The host's base credentials also write to the AMC staging bucket, which the
 * emulated AMC's data-upload account may read.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { IdentityStore, roleFromPolicies } from "./aws/identities.js";
import { grantsFromPolicy } from "./aws/policy.js";
import type { EmulatorClock } from "./aws/clock.js";
import { startS3Emulator, type S3Emulator } from "./aws/s3-front.js";
import { startStsEmulator, type StsEmulator } from "./aws/sts.js";
import { startAmcEmulator, type AmcEmulator } from "./amc/server.js";

export interface StartEmulatorsOptions {
  /** s3rver's data directory; default a temp directory removed on close. */
  dataDir?: string;
  /** The S3 front's port; default a free one. */
  port?: number;
  /** The STS port; default `port + 1` when `port` is given, else a free one. */
  stsPort?: number;
  region?: string;
  /** Default `conveyor-exports`. */
  bucket?: string;
  /** Default a random `conveyor-…` id. */
  externalId?: string;
  /** The AMC emulator's port (LwA on the same server); default `port + 2` when `port` is given, else a free one. */
  amcPort?: number;
  /** The AMC staging bucket; default `conveyor-amc-uploads`. */
  amcBucket?: string;
}

/** Exactly the keys `conveyor emulators --json` prints. */
export interface EmulatorsInfo {
  s3_endpoint: string;
  sts_endpoint: string;
  region: string;
  bucket: string;
  platform_role_arn: string;
  customer_role_arn: string;
  external_id: string;
  access_key_id: string;
  secret_access_key: string;
  admin_access_key_id: string;
  admin_secret_access_key: string;
  data_dir: string;
  amc_endpoint: string;
  lwa_endpoint: string;
  amc_instance_id: string;
  amc_account_id: string;
  advertiser_id: string;
  lwa_client_id: string;
  lwa_client_secret: string;
  lwa_refresh_token: string;
  amc_data_upload_account_id: string;
  amc_bucket: string;
}

export interface RunningEmulators {
  info: EmulatorsInfo;
  s3: S3Emulator;
  sts: StsEmulator;
  amc: AmcEmulator;
  identities: IdentityStore;
  clock: EmulatorClock;
  /** Stops the servers and s3rver's process; removes the data directory if it was a temp one. */
  close(): Promise<void>;
}

const PLATFORM_ACCOUNT = "123456789012";
const CUSTOMER_ACCOUNT = "210987654321";

/** What the customer role may do: write, read back and clean up anywhere in the bucket. */
export function customerPermissionPolicy(bucket: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow" as const,
        Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", "s3:ListMultipartUploadParts"],
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
      { Effect: "Allow" as const, Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: `arn:aws:s3:::${bucket}` },
    ],
  };
}

/** What the host's base credentials may do in the AMC staging bucket: stage, tag, read back, clean up. */
export function amcStagingPolicy(bucket: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow" as const,
        Action: ["s3:PutObject", "s3:PutObjectTagging", "s3:GetObject", "s3:GetObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
      { Effect: "Allow" as const, Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: `arn:aws:s3:::${bucket}` },
    ],
  };
}

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const region = options.region ?? "us-east-1";
  const bucket = options.bucket ?? "conveyor-exports";
  const amcBucket = options.amcBucket ?? "conveyor-amc-uploads";
  const externalId = options.externalId ?? `conveyor-${randomBytes(8).toString("hex")}`;
  const identities = new IdentityStore({ accountId: PLATFORM_ACCOUNT });

  const host = identities.createUser("conveyor-host", grantsFromPolicy(amcStagingPolicy(amcBucket)));
  const admin = identities.createUser("emulator-admin", [{ actions: ["s3:*"], resource: "*" }]);
  const platformRoleArn = `arn:aws:iam::${PLATFORM_ACCOUNT}:role/conveyor-platform`;
  const customerRoleArn = `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/conveyor-customer-export`;
  identities.addRole({ arn: platformRoleArn, trust: { principals: [host.arn] } });
  // Built from the same IAM JSON a customer pastes into the AWS console.
  identities.addRole(
    roleFromPolicies({
      arn: customerRoleArn,
      trustPolicy: {
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow", Principal: { AWS: platformRoleArn }, Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": externalId } },
        }],
      },
      permissionPolicies: [customerPermissionPolicy(bucket)],
    }),
  );

  const s3 = await startS3Emulator({
    identities, region, buckets: [bucket, amcBucket],
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  let sts: StsEmulator;
  try {
    const stsPort = options.stsPort ?? (options.port === undefined ? undefined : options.port + 1);
    sts = await startStsEmulator({ identities, region, ...(stsPort === undefined ? {} : { port: stsPort }) });
  } catch (error) {
    await s3.close();
    throw error;
  }
  let amc: AmcEmulator;
  try {
    const amcPort = options.amcPort ?? (options.port === undefined ? undefined : options.port + 2);
    amc = await startAmcEmulator({ s3, buckets: [amcBucket], ...(amcPort === undefined ? {} : { port: amcPort }) });
  } catch (error) {
    await Promise.all([sts.close(), s3.close()]);
    throw error;
  }

  return {
    info: {
      s3_endpoint: s3.endpoint,
      sts_endpoint: sts.endpoint,
      region,
      bucket,
      platform_role_arn: platformRoleArn,
      customer_role_arn: customerRoleArn,
      external_id: externalId,
      access_key_id: host.accessKeyId,
      secret_access_key: host.secretAccessKey,
      admin_access_key_id: admin.accessKeyId,
      admin_secret_access_key: admin.secretAccessKey,
      data_dir: s3.dataDir,
      amc_endpoint: amc.endpoint,
      lwa_endpoint: amc.lwaEndpoint,
      amc_instance_id: amc.instanceId,
      amc_account_id: amc.accountId,
      advertiser_id: amc.advertiserId,
      lwa_client_id: amc.lwa.clientId,
      lwa_client_secret: amc.lwa.clientSecret,
      lwa_refresh_token: amc.lwa.refreshToken,
      amc_data_upload_account_id: amc.dataUploadAccountId,
      amc_bucket: amcBucket,
    },
    s3,
    sts,
    amc,
    identities,
    clock: identities.clock,
    async close() {
      await Promise.all([amc.close(), sts.close()]);
      await s3.close();
    },
  };
}

/**
 * The host-provided (platform) settings for this scenario, as a `PluginHost({ platform })` or
 * `conveyor.config.yaml`'s `platform:` holds them.
 */
export function emulatorPlatform(info: EmulatorsInfo): Record<string, string | boolean> {
  return {
    platform_role_arn: info.platform_role_arn,
    external_id: info.external_id,
    aws_access_key_id: info.access_key_id,
    aws_secret_access_key: info.secret_access_key,
    aws_region: info.region,
    sts_endpoint: info.sts_endpoint,
    s3_endpoint: info.s3_endpoint,
    s3_force_path_style: true,
    // The host's, never a connection's: the token endpoint receives the client secret and refresh token.
    lwa_endpoint: info.lwa_endpoint,
  };
}

/** The AMC marketplace of the scenario (amazon.com). */
export const EMULATOR_MARKETPLACE_ID = "ATVPDKIKX0DER";

/**
 * The named connection `new_amc_auth` of the seed's workflows (`result_connection: new_amc_auth`):
 * the Login with Amazon client and token (the job's `api` credential), the AMC instance and
 * account, and the S3 credential of the staging bucket (its `staging` credential). The LwA token
 * endpoint is the platform's `lwa_endpoint`.
 */
export function emulatorAmcConnection(info: EmulatorsInfo): Record<string, unknown> {
  return {
    type: "amazon_marketing_cloud",
    lwa_client_id: info.lwa_client_id,
    lwa_client_secret: info.lwa_client_secret,
    lwa_refresh_token: info.lwa_refresh_token,
    amc_endpoint: info.amc_endpoint,
    amc_instance_id: info.amc_instance_id,
    amc_account_id: info.amc_account_id,
    marketplace_id: EMULATOR_MARKETPLACE_ID,
    s3_credential: {
      plugin: "aws-access-key",
      settings: {
        access_key_id: info.access_key_id,
        secret_access_key: info.secret_access_key,
        bucket: info.amc_bucket,
        endpoint: info.s3_endpoint,
        force_path_style: true,
        region: info.region,
      },
    },
  };
}

/** Block-style YAML of plain values; JSON-quoted scalars are valid YAML, so no YAML library is needed. */
function yamlLines(value: Record<string, unknown>, indent: string): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v !== null && typeof v === "object" ? [`${indent}${k}:`, ...yamlLines(v as Record<string, unknown>, `${indent}  `)] : [`${indent}${k}: ${JSON.stringify(v)}`]);
}

/** Writes the `conveyor.config.yaml` holding the platform settings and the `new_amc_auth` connection of this scenario. */
export async function writeConveyorConfig(path: string, info: EmulatorsInfo): Promise<void> {
  const text = [
    "# Written by `conveyor emulators`: platform settings for the local AWS emulators.",
    "platform:",
    ...yamlLines(emulatorPlatform(info), "  "),
    "# The AMC / Login with Amazon emulator, as the connection the seed's workflows name.",
    "connections:",
    "  new_amc_auth:",
    ...yamlLines(emulatorAmcConnection(info), "    "),
  ];
  await writeFile(path, `${text.join("\n")}\n`, "utf8");
}

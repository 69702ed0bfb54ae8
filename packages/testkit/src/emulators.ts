/**
 * S3 + STS started together with the ready-made scenario of the demo and the docs: the host's
 * base credentials assume a platform role, which assumes the customer's role with an External
 * ID; the customer role may write to the bucket under any prefix; an admin reads everything.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { IdentityStore, roleFromPolicies } from "./aws/identities.js";
import type { EmulatorClock } from "./aws/clock.js";
import { startS3Emulator, type S3Emulator } from "./aws/s3-front.js";
import { startStsEmulator, type StsEmulator } from "./aws/sts.js";

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
}

export interface RunningEmulators {
  info: EmulatorsInfo;
  s3: S3Emulator;
  sts: StsEmulator;
  identities: IdentityStore;
  clock: EmulatorClock;
  /** Stops both servers and s3rver's process; removes the data directory if it was a temp one. */
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

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const region = options.region ?? "us-east-1";
  const bucket = options.bucket ?? "conveyor-exports";
  const externalId = options.externalId ?? `conveyor-${randomBytes(8).toString("hex")}`;
  const identities = new IdentityStore({ accountId: PLATFORM_ACCOUNT });

  const host = identities.createUser("conveyor-host");
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
    identities, region, buckets: [bucket],
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
    },
    s3,
    sts,
    identities,
    clock: identities.clock,
    async close() {
      await Promise.all([sts.close(), s3.close()]);
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
  };
}

/** Writes the `conveyor.config.yaml` holding the platform settings for this scenario. */
export async function writeConveyorConfig(path: string, info: EmulatorsInfo): Promise<void> {
  const platform = emulatorPlatform(info);
  // JSON-quoted strings are valid YAML double-quoted scalars, so no YAML library is needed.
  const lines = Object.entries(platform).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  await writeFile(path, `# Written by \`conveyor emulators\`: platform settings for the local AWS emulators.\nplatform:\n${lines.join("\n")}\n`, "utf8");
}

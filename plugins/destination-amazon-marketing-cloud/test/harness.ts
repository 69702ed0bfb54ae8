import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import gzip from "@conveyor/compression-gzip";
import { FileRunStore, jobSchema, PluginHost, runJob, sleepFor, type Clock, type ConnectorPlugin, type Row, type RunRecord, type Schema } from "@conveyor/core";
import credentials from "@conveyor/credential-aws";
import loginWithAmazon from "@conveyor/credential-login-with-amazon";
import delimited from "@conveyor/format-delimited";
import { startAmcEmulator, startS3Emulator, type AmcEmulator, type AmcEmulatorOptions, type S3Emulator } from "@conveyor/testkit";
import plugin from "../src/index.js";

export const BUCKET = "amc-staging";
/** A bucket the emulated AMC was never allowed to read (no bucket policy for its account). */
export const UNREADABLE_BUCKET = "amc-unreadable";

export const plugins: ConnectorPlugin[] = [credentials, loginWithAmazon, delimited, gzip].flat() as ConnectorPlugin[];

export interface World {
  s3: S3Emulator;
  amc: AmcEmulator;
  host: PluginHost;
  writer: { accessKeyId: string; secretAccessKey: string };
  admin: S3Client;
  store: FileRunStore;
  /** Every wait the plugin asked for (the test clock shortens them to at most 50 ms). */
  sleeps: number[];
  clock: Clock;
  close(): Promise<void>;
}

export async function startWorld(options: Partial<Omit<AmcEmulatorOptions, "s3">> = {}): Promise<World> {
  const s3 = await startS3Emulator({ buckets: [BUCKET, UNREADABLE_BUCKET] });
  const writes = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", "s3:DeleteObject"];
  const writer = s3.identities.createUser("writer", [
    { actions: writes, resource: `${BUCKET}/*` },
    { actions: writes, resource: `${UNREADABLE_BUCKET}/*` },
  ]);
  const root = s3.identities.createUser("admin", [{ actions: ["s3:*"], resource: "*" }]);
  const amc = await startAmcEmulator({ s3, buckets: [BUCKET], ...options });
  // The host points Login with Amazon at the emulator: the token endpoint is never a job's.
  const host = new PluginHost({ platform: { lwa_endpoint: amc.lwaEndpoint } });
  for (const p of [plugin as ConnectorPlugin, ...plugins]) if (!host.add(p, "test")) throw new Error(host.refused.at(-1)?.reason);
  const sleeps: number[] = [];
  const admin = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    s3,
    amc,
    host,
    writer,
    admin,
    store: new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-amc-state-"))),
    sleeps,
    clock: {
      now: () => new Date(),
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return sleepFor(Math.min(ms, 50), signal);
      },
    },
    async close() {
      admin.destroy();
      await amc.close();
      await s3.close();
    },
  };
}

/** The job's staging credential for the S3 bucket: the real aws-access-key plugin. */
export function stagingOf(world: World) {
  return { plugin: "aws-access-key", settings: { access_key_id: world.writer.accessKeyId, secret_access_key: world.writer.secretAccessKey, endpoint: world.s3.endpoint, force_path_style: true, region: "us-east-1" } };
}

/** The job's api credential: the Login with Amazon client and refresh token the emulator issued. */
export function apiOf(world: World, settings: Record<string, unknown> = {}) {
  const { lwa } = world.amc;
  return { plugin: "login-with-amazon", settings: { client_id: lwa.clientId, client_secret: lwa.clientSecret, refresh_token: lwa.refreshToken, ...settings } };
}

/** Both credentials of an AMC job; `api` changes the api credential's settings. */
export function credentialsOf(world: World, api: Record<string, unknown> = {}) {
  return { api: apiOf(world, api), staging: stagingOf(world) };
}

/** Where the emulated instance is: the settings every target shares. */
export function instanceOf(world: World) {
  return { amc_endpoint: world.amc.endpoint, amc_instance_id: world.amc.instanceId, amc_account_id: world.amc.accountId };
}

/** The destination settings: the instance, and for uploads the data upload account AMC reads with. */
export function destinationSettings(world: World, settings: Record<string, unknown>): Record<string, unknown> {
  const upload = settings.target !== "rule_based_audiences" && settings.operation !== "delete";
  return { ...instanceOf(world), ...(upload ? { amc_data_upload_account_id: world.amc.dataUploadAccountId } : {}), ...settings };
}

export interface SendOptions {
  name?: string;
  schema?: Schema;
  rows?: Iterable<Row> | AsyncIterable<Row>;
  previous?: RunRecord;
  /** Changes to the api credential's settings (a revoked refresh token). */
  api?: Record<string, unknown>;
}

export async function send(world: World, settings: Record<string, unknown>, options: SendOptions = {}): Promise<RunRecord> {
  const job = jobSchema.parse({
    name: options.name ?? "amc_upload",
    credentials: credentialsOf(world, options.api),
    destination: { plugin: "amazon-marketing-cloud", settings: destinationSettings(world, settings) },
  });
  const rows = options.rows ?? [];
  return runJob({
    host: world.host,
    job,
    schema: options.schema ?? purchaseSchema,
    rows: (async function* () {
      yield* rows;
    })(),
    store: world.store,
    clock: world.clock,
    ...(options.previous ? { previous: options.previous } : {}),
  });
}

export async function listKeys(world: World, bucket: string, prefix: string): Promise<string[]> {
  const out = await world.admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** A fact dataset with a hashed email (the seed's second example, plus a product and a value). */
export function purchasesDefinition(dataSetId: string, period = "P1D") {
  return {
    dataSet: {
      dataSetId,
      period,
      countryCode: "US",
      columns: [
        { name: "email", columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "EMAIL" } },
        { name: "purchase_time", columnType: "DIMENSION", dataType: "TIMESTAMP", isMainEventTime: true, nullable: false },
        { name: "product_sku", columnType: "DIMENSION", dataType: "STRING", nullable: false },
        { name: "product_quantity", columnType: "METRIC", dataType: "INTEGER", nullable: false },
        { name: "purchase_value", columnType: "METRIC", dataType: "DECIMAL" },
      ],
    },
  };
}

export const purchaseSchema: Schema = {
  columns: [
    { name: "EMAIL", type: "string", nullable: true },
    { name: "purchase_time", type: "timestamp", nullable: true },
    { name: "product_sku", type: "string", nullable: true },
    { name: "product_quantity", type: "long", nullable: true },
    { name: "purchase_value", type: "double", nullable: true },
  ],
};

/** Purchase i on day `day` (2024-05-`day`). */
export function purchase(i: number, day = 1): Row {
  return [`buyer${i}@example.com`, new Date(Date.UTC(2024, 4, day, 10, 0, i % 60)), `sku-${i % 7}`, BigInt(1 + (i % 3)), Math.round(i * 137) / 100];
}

export function purchases(count: number, day = 1, from = 0): Row[] {
  return Array.from({ length: count }, (_, i) => purchase(from + i, day));
}

/** Upload settings for a purchases dataset the run creates. */
export function uploadSettings(dataSetId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    target: "dataset",
    operation: "upload",
    dataset_id: dataSetId,
    create_dataset: true,
    dataset_definition: JSON.stringify(purchasesDefinition(dataSetId)),
    bucket: BUCKET,
    path_prefix: `uploads/${dataSetId}/`,
    wait_until_finish: true,
    ...extra,
  };
}

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createS3Client, type AwsConnection } from "@conveyor/aws";
import {
  API_VERSION,
  definePlugin,
  implementationToken,
  inject,
  injectable,
  jobSchema,
  PluginHost,
  FileRunStore,
  runJob,
  TOKENS,
  z,
  type ConnectorPlugin,
  type Credential,
  type Row,
  type RunRecord,
  type Schema,
} from "@conveyor/core";
import archives from "@conveyor/compression-archive";
import gzip from "@conveyor/compression-gzip";
import pgp from "@conveyor/encryption-pgp";
import delimited from "@conveyor/format-delimited";
import parquet from "@conveyor/format-parquet";
import { startS3Emulator, unpackObjects, type S3Emulator } from "@conveyor/testkit";
import * as openpgp from "openpgp";
import s3 from "../src/index.js";

export const BUCKET = "exports-bucket";

/** Static keys for the emulator, as the aws-access-key credential would resolve them. */
@injectable()
class StaticKeys implements Credential<AwsConnection> {
  constructor(@inject(TOKENS.settings) private readonly settings: { access_key_id: string; secret_access_key: string; endpoint: string; bucket: string }) {}
  async resolve(): Promise<AwsConnection> {
    const { access_key_id, secret_access_key } = this.settings;
    return {
      kind: "aws",
      credentials: async () => ({ accessKeyId: access_key_id, secretAccessKey: secret_access_key }),
      region: "us-east-1",
      s3Endpoint: this.settings.endpoint,
      forcePathStyle: true,
      bucket: this.settings.bucket,
      identity: access_key_id,
    };
  }
  async test() {
    return [{ name: "keys", status: "ok" as const, message: this.settings.access_key_id }];
  }
}

export const staticKeys = definePlugin({
  id: "static-keys",
  kind: "credential",
  version: "0.0.1",
  apiVersion: API_VERSION,
  displayName: "Static keys (test)",
  provides: "aws",
  description: "Access keys for the S3 emulator, for this package's tests.",
  settings: z.object({ access_key_id: z.string(), secret_access_key: z.string(), endpoint: z.string(), bucket: z.string() }),
  secrets: ["secret_access_key"],
  register: (c) => c.register(implementationToken("credential", "static-keys"), { useClass: StaticKeys }),
});

export const stagePlugins: ConnectorPlugin[] = [delimited, parquet, gzip, archives, pgp].flatMap((p) => (Array.isArray(p) ? p : [p])) as ConnectorPlugin[];

export interface S3World {
  s3: S3Emulator;
  host: PluginHost;
  writer: { accessKeyId: string; secretAccessKey: string };
  admin: AwsConnection;
  store: FileRunStore;
  keys: { publicKey: string; privateKey: openpgp.PrivateKey };
  close(): Promise<void>;
}

export async function startWorld(): Promise<S3World> {
  const s3emu = await startS3Emulator({ buckets: [BUCKET] });
  const writer = s3emu.identities.createUser("writer", [
    { actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", "s3:DeleteObject"], resource: `${BUCKET}/*` },
  ]);
  const root = s3emu.identities.createUser("admin", [{ actions: ["s3:*"], resource: "*" }]);
  const host = new PluginHost();
  for (const p of [s3 as ConnectorPlugin, staticKeys as ConnectorPlugin, ...stagePlugins]) if (!host.add(p, "test")) throw new Error(host.refused.at(-1)?.reason);
  const generated = await openpgp.generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs: [{ name: "Demo", email: "demo@example.com" }], format: "object" });
  return {
    s3: s3emu,
    host,
    writer,
    admin: {
      kind: "aws",
      credentials: async () => ({ accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey }),
      region: "us-east-1",
      s3Endpoint: s3emu.endpoint,
      forcePathStyle: true,
      identity: "admin",
    },
    store: new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-s3-state-"))),
    keys: { publicKey: generated.publicKey.armor(), privateKey: generated.privateKey },
    close: () => s3emu.close(),
  };
}

export const schema: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "email", type: "string", nullable: true, pii: "EMAIL" },
    { name: "note", type: "string", nullable: true },
  ],
};

export function row(i: number): Row {
  return [BigInt(i), `user${i}@example.com`, i % 5 === 0 ? null : i % 7 === 0 ? 'says "hi", twice\nthen leaves' : `note ${i}`];
}

export async function* rows(count: number, from = 1): AsyncGenerator<Row> {
  for (let i = from; i < from + count; i++) yield row(i);
}

export interface SendOptions {
  rows?: AsyncIterable<Row>;
  name?: string;
  previous?: RunRecord;
  template?: object;
  bucket?: string;
  /** Job keys as a user writes them: principal, campaign, segment. */
  job?: Record<string, unknown>;
}

export async function send(world: S3World, settings: Record<string, unknown>, options: SendOptions = {}): Promise<RunRecord> {
  const job = jobSchema.parse({
    name: options.name ?? "export",
    credential: { plugin: "static-keys", settings: { access_key_id: world.writer.accessKeyId, secret_access_key: world.writer.secretAccessKey, endpoint: world.s3.endpoint, bucket: options.bucket ?? BUCKET } },
    destination: { plugin: "amazon-s3", settings },
    template: options.template ?? { file_name: `${options.name ?? "export"}_{{ now|format:'yyyy_MM_dd' }}` },
    ...options.job,
  });
  return runJob({
    host: world.host,
    job,
    schema,
    rows: options.rows ?? rows(100),
    store: world.store,
    clock: { now: () => new Date("2025-01-31T12:00:00Z"), sleep: async () => {} },
    ...(options.previous ? { previous: options.previous } : {}),
  });
}

export async function listKeys(world: S3World, prefix: string): Promise<string[]> {
  const client = createS3Client(world.admin);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

export async function getObject(world: S3World, key: string): Promise<Buffer> {
  const out = await createS3Client(world.admin).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** The export's objects under `prefix`, read back as a recipient would (decrypted, decompressed, unpacked). */
export async function readBack(world: S3World, keys: readonly string[]): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  for (const key of keys) objects.set(key, await getObject(world, key));
  return unpackObjects(objects, { privateKey: world.keys.privateKey });
}

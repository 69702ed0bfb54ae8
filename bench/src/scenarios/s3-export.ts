/**
 * Issue 6: a CSV + gzip + PGP export to the S3 emulator (amazon-s3 through iam-role-to-role,
 * multipart, the testkit front verifying every signature) against the same export written to
 * a local directory, measured in the same run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import gzip from "@conveyor/compression-gzip";
import roleToRole from "@conveyor/credential-iam-role-to-role";
import s3 from "@conveyor/destination-amazon-s3";
import pgp from "@conveyor/encryption-pgp";
import delimited from "@conveyor/format-delimited";
import { jobSchema, LocalDirectorySink, OsTempStore, createLogger, PluginHost, runFilePipeline, runJob, type ConnectorPlugin, type Compressor, type Encryptor, type Formatter } from "@conveyor/core";
import { customerRows, customerSchema, emulatorPlatform, startEmulators, type RunningEmulators } from "@conveyor/testkit";
import * as openpgp from "openpgp";
import type { Scenario, Variant } from "../harness.js";

const plugins = [delimited, gzip, pgp, roleToRole, s3].flatMap((p) => (Array.isArray(p) ? p : [p])) as ConnectorPlugin[];

function hostWith(platform: Record<string, unknown> = {}): PluginHost {
  const host = new PluginHost({ platform, logger: createLogger({ level: "silent" }) });
  for (const p of plugins) host.add(p, "bench");
  return host;
}

async function publicKey(): Promise<string> {
  const { publicKey } = await openpgp.generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs: [{ name: "bench" }] });
  return publicKey;
}

const toLocal: Variant & { key?: string; dir?: string } = {
  label: "to a local directory",
  async prepare() {
    this.key = await publicKey();
    this.dir = await mkdtemp(join(tmpdir(), "conveyor-bench-local-"));
  },
  async run({ rows }) {
    const host = hostWith();
    const formatter = host.createSync<Formatter>("formatter", "csv", {});
    const compressor = host.createSync<Compressor>("compressor", "gzip", {});
    const encryptor = host.createSync<Encryptor>("encryptor", "pgp", { public_key: this.key });
    const context = {
      schema: customerSchema,
      baseName: "customers",
      partName: (n: number) => `customers/${n}`,
      signal: new AbortController().signal,
      tempStore: new OsTempStore(),
      logger: createLogger({ level: "silent" }),
    };
    const result = await runFilePipeline(customerRows(rows), { formatter, compressor, encryptor, sink: new LocalDirectorySink(this.dir!) }, context);
    await rm(this.dir!, { recursive: true, force: true });
    return { rows: result.rows, bytes: result.bytes };
  },
};

const toS3: Variant & { key?: string; emulators?: RunningEmulators } = {
  label: "to the S3 emulator",
  async prepare() {
    this.key = await publicKey();
    this.emulators = await startEmulators();
  },
  async run({ rows }) {
    const info = this.emulators!.info;
    const host = hostWith(emulatorPlatform(info));
    const job = jobSchema.parse({
      name: "customers",
      credential: { plugin: "iam-role-to-role", settings: { target_role_arn: info.customer_role_arn, bucket: info.bucket } },
      destination: { plugin: "amazon-s3", settings: { prefix: "bench", format: "csv", compression: "gzip", pgp_public_key: this.key } },
    });
    const run = await runJob({ host, job, rows: customerRows(rows), schema: customerSchema });
    if (run.failure) throw new Error(`${run.failure.error.code}: ${run.failure.error.message}`);
    return { rows: run.report!.rows, bytes: run.report!.bytes };
  },
};

export const scenarios: Scenario[] = [
  {
    name: "s3-export",
    description: "CSV + gzip + PGP export of the customer table to the S3 emulator (multipart, signed) vs to a local directory",
    baseline: toLocal,
    subject: toS3,
    goal: { metric: "throughput", value: 0.8 },
  },
];

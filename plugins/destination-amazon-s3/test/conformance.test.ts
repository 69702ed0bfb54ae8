import awsCredentials from "@conveyor/credential-aws";
import type { ConnectorPlugin } from "@conveyor/core";
import { describeDestination } from "@conveyor/testkit/conformance";
import { countRows } from "@conveyor/testkit";
import { afterAll, beforeAll, expect } from "vitest";
import plugin from "../src/index.js";
import { BUCKET, listKeys, readBack, staticKeys, stagePlugins, startWorld, type S3World } from "./harness.js";

let world: S3World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

/** The writer's keys for the emulator, as the static-keys credential takes them. */
const staticKeysFor = () => ({
  plugin: "static-keys",
  settings: { access_key_id: world.writer.accessKeyId, secret_access_key: world.writer.secretAccessKey, endpoint: world.s3.endpoint, bucket: BUCKET },
});
/** The real aws-access-key credential, whose connection test signs requests with `secret`. */
const accessKeyWith = (secret: string) => ({
  plugin: "aws-access-key",
  settings: { access_key_id: world.writer.accessKeyId, secret_access_key: secret, bucket: BUCKET, endpoint: world.s3.endpoint, force_path_style: true, region: "us-east-1" },
});

describeDestination(plugin, {
  settings: { prefix: "conformance", format: "csv", compression: "gzip", success_file: true },
  invalidSettings: [
    { why: "the prefix is missing", settings: { format: "csv" }, path: "prefix" },
    { why: "the format is unknown", settings: { prefix: "p", format: "xml" }, path: "format" },
    { why: "a split is out of range", settings: { prefix: "p", format: "csv", split: { rows: 10 } }, path: "split.rows" },
  ],
  plugins: [staticKeys, ...([awsCredentials].flat() as ConnectorPlugin[]), ...stagePlugins],
  credential: staticKeysFor,
  secretSettings: (secret) => ({ credential: accessKeyWith(secret) }),
  failingConnection: () => ({ credential: accessKeyWith("not-the-writer-secret-0123456789") }),
  transientFault: {
    inject: (calls) => void world.s3.faults.inject({ type: "internal-error", times: calls }),
    fired: () => world.s3.faults.count("internal-error"),
  },
  async verify(report, sent) {
    expect(report.objects.map((o) => o.key)).toEqual([`conformance/${sent.baseName}.csv.gz`]);
    expect(await countRows(await readBack(world, report.objects.map((o) => o.key)))).toBe(sent.rows);
    expect(await listKeys(world, `conformance/${sent.baseName}`)).toEqual([`conformance/${sent.baseName}.DONE`, `conformance/${sent.baseName}.csv.gz`]);
  },
  async leftovers(baseName) {
    return [...(await listKeys(world, `conformance/${baseName}`)), ...world.s3.pendingMultipartUploads(BUCKET).map((u) => u.key)];
  },
});

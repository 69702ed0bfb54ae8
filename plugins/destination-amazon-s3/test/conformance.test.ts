import { describeDestination } from "@conveyor/testkit/conformance";
import { countRows } from "@conveyor/testkit";
import { afterAll, beforeAll, expect } from "vitest";
import plugin from "../src/index.js";
import { BUCKET, listKeys, readBack, staticKeys, stagePlugins, startWorld, type S3World } from "./harness.js";

let world: S3World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

describeDestination(plugin, {
  settings: { prefix: "conformance", format: "csv", compression: "gzip", success_file: true },
  invalidSettings: [
    { why: "the prefix is missing", settings: { format: "csv" }, path: "prefix" },
    { why: "the format is unknown", settings: { prefix: "p", format: "xml" }, path: "format" },
    { why: "a split is out of range", settings: { prefix: "p", format: "csv", split: { rows: 10 } }, path: "split.rows" },
  ],
  plugins: [staticKeys, ...stagePlugins],
  get credential() {
    return { plugin: "static-keys", settings: { access_key_id: world.writer.accessKeyId, secret_access_key: world.writer.secretAccessKey, endpoint: world.s3.endpoint, bucket: BUCKET } };
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

import { GetObjectCommand } from "@aws-sdk/client-s3";
import { hashPii } from "@conveyor/pii";
import { customerRow, parseDelimited, unpackObjects } from "@conveyor/testkit";
import { describeDestination } from "@conveyor/testkit/conformance";
import { afterAll, beforeAll, expect } from "vitest";
import plugin from "../src/index.js";
import { BUCKET, credentialsOf, destinationSettings, listKeys, plugins, startWorld, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

/** The testkit's customer table as an AMC fact dataset: identities hashed, is_active left out. */
const definition = {
  dataSet: {
    dataSetId: "conformance_customers",
    period: "P1D",
    columns: [
      { name: "id", columnType: "DIMENSION", dataType: "LONG", nullable: false },
      ...(["email", "first_name", "last_name", "phone", "city", "state"] as const).map((name) => ({ name, columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: name.toUpperCase() } })),
      { name: "signup_ts", columnType: "DIMENSION", dataType: "TIMESTAMP", isMainEventTime: true },
      { name: "lifetime_value", columnType: "METRIC", dataType: "DECIMAL" },
    ],
  },
};

/** An upload of the customer table into a dataset the run creates. */
const settings = () => destinationSettings(world, {
  target: "dataset",
  operation: "upload",
  dataset_id: "conformance_customers",
  create_dataset: true,
  dataset_definition: JSON.stringify(definition),
  update_strategy: "FULL_REPLACE",
  bucket: BUCKET,
  path_prefix: "conformance/",
  wait_until_finish: true,
});

describeDestination(plugin, {
  settings,
  invalidSettings: [
    { why: "an upload has no dataset_id", settings: { amc_instance_id: "i", operation: "upload" }, path: "dataset_id" },
    { why: "the audience query does not select user_id", settings: { amc_instance_id: "i", target: "rule_based_audiences", audience_name: "a", advertiser_id: "1", query: "SELECT 1", time_window_start: "2024-01-01T00:00:00", time_window_end: "2024-02-01T00:00:00" }, path: "query" },
    { why: "refresh_rate_days is over 21", settings: { amc_instance_id: "i", target: "rule_based_audiences", audience_name: "a", advertiser_id: "1", query: "SELECT user_id FROM t", time_window_start: "2024-01-01T00:00:00", time_window_end: "2024-02-01T00:00:00", refresh_rate_days: 30 }, path: "refresh_rate_days" },
  ],
  plugins,
  platform: () => ({ lwa_endpoint: world.amc.lwaEndpoint }),
  credentials: () => credentialsOf(world),
  secretSettings: (secret) => ({ credentials: credentialsOf(world, { client_secret: secret }) }),
  failingConnection: () => ({ credentials: credentialsOf(world, { refresh_token: "Atzr|not-the-refresh-token" }) }),
  transientFault: {
    inject: (calls) => void world.amc.faults.inject({ type: "internal-error", times: calls }),
    fired: () => world.amc.faults.count("internal-error"),
  },
  async verify(report, sent) {
    expect(report.details).toMatchObject({ status: "COMPLETED", OutputRowCount: sent.rows, ignored_columns: ["is_active"] });
    const stored = await world.amc.rows("conformance_customers");
    expect(stored).toHaveLength(sent.rows);
    expect(stored.map((r) => r.email)).toContain(hashPii("EMAIL", customerRow(0)[1]));
    // The staged file read back with other libraries (zlib, fast-csv): the dataset's columns, every row.
    const objects = new Map<string, Buffer>();
    for (const o of report.objects) {
      const out = await world.admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.key }));
      objects.set(o.key, Buffer.from(await out.Body!.transformToByteArray()));
    }
    const [csv] = [...(await unpackObjects(objects)).values()];
    const [header, ...rows] = await parseDelimited(csv!.toString("utf8"), ",");
    expect(header).toEqual(["id", "email", "first_name", "last_name", "phone", "city", "state", "signup_ts", "lifetime_value"]);
    expect(rows).toHaveLength(sent.rows);
    expect(rows[0]![1]).toMatch(/^[0-9a-f]{64}$/);
  },
  async leftovers(baseName) {
    return [...(await listKeys(world, BUCKET, `conformance/${baseName}`)), ...world.s3.pendingMultipartUploads(BUCKET).map((u) => u.key)];
  },
});

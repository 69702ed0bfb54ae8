import { GetObjectCommand } from "@aws-sdk/client-s3";
import { hashPii } from "@conveyor/pii";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUCKET, listKeys, purchase, purchaseSchema, purchases, purchasesDefinition, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

describe("upload to a dataset", () => {
  it("creates the dataset from its definition, stages hashed gzip CSV tagged for the instance, waits for COMPLETED and reports AMC's row count", async () => {
    const run = await send(world, uploadSettings("created_ds"), { rows: purchases(250) });
    expect(run.failure).toBeUndefined();
    const report = run.report!;
    expect(report.rows).toBe(250);
    expect(report.details).toMatchObject({ dataset_id: "created_ds", dataset_created: true, status: "COMPLETED", OutputRowCount: 250, upload_adopted: false });
    expect(world.amc.dataSet("created_ds")?.columns.map((c) => c.name)).toEqual(["email", "purchase_time", "product_sku", "product_quantity", "purchase_value"]);
    const stored = await world.amc.rows("created_ds");
    expect(stored).toHaveLength(250);
    // The query's EMAIL matched the dataset's email; values hashed as Amazon normalizes them.
    expect(stored[0]).toMatchObject({ email: hashPii("EMAIL", "buyer0@example.com"), purchase_time: "2024-05-01T10:00:00Z", product_sku: "sku-0", product_quantity: "1", purchase_value: "0.00" });
    expect(stored[0]!.user_id).toMatch(/^amcuser-/);
    expect(report.objects.map((o) => o.key)).toEqual([`uploads/created_ds/amc_upload_${new Date().toISOString().slice(0, 10).replace(/-/g, "_")}/${run.id}/0000001.csv.gz`]);
    const again = await send(world, uploadSettings("created_ds"), { rows: purchases(10, 2) });
    expect(again.report?.details).toMatchObject({ dataset_created: false, OutputRowCount: 10 });
  });

  it("skips and counts rows with nulls in non-nullable columns; reports ignored columns", async () => {
    const rows = [...purchases(20), [...purchase(21).slice(0, 2), null, ...purchase(21).slice(3)], [...purchase(22).slice(0, 3), null, 1.5], [...purchase(23).slice(0, 2), "", ...purchase(23).slice(3)]].map((r) => [...r, "SPRING"]);
    const schema = { columns: [...purchaseSchema.columns, { name: "coupon", type: "string" as const, nullable: true }] };
    const run = await send(world, uploadSettings("nulls_ds"), { rows, schema });
    expect(run.failure).toBeUndefined();
    expect(run.report!.rows).toBe(20);
    expect(run.report!.skippedRows).toEqual([
      { reason: 'null in non-nullable column "product_sku"', count: 2 },
      { reason: 'null in non-nullable column "product_quantity"', count: 1 },
    ]);
    expect(await world.amc.rows("nulls_ds")).toHaveLength(20);
    expect(run.report!.details).toMatchObject({ ignored_columns: ["coupon"] });
    expect(run.report!.warnings).toEqual(['query columns not in dataset "nulls_ds" were ignored: coupon']);
  });

  it("fails before uploading when a non-nullable column is missing, naming it", async () => {
    const schema = { columns: [{ name: "email", type: "string" as const, nullable: true }, { name: "purchase_time", type: "timestamp" as const, nullable: true }, { name: "note", type: "string" as const, nullable: true }] };
    const run = await send(world, uploadSettings("missing_ds"), { rows: [["a@example.com", new Date(), "x"]], schema });
    expect(run.failure?.error).toMatchObject({ code: "amc.missing-columns", category: "invalid-input", message: expect.stringContaining("product_sku, product_quantity") });
    expect(await listKeys(world, BUCKET, "uploads/missing_ds/")).toEqual([]);
    expect(await world.amc.uploads("missing_ds")).toEqual([]);
  });

  it("fails a fact dataset upload without its main event time column", async () => {
    const schema = { columns: [{ name: "product_sku", type: "string" as const, nullable: true }, { name: "product_quantity", type: "long" as const, nullable: true }] };
    const run = await send(world, uploadSettings("no_event_time_ds"), { rows: [["s", 1n]], schema });
    expect(run.failure?.error).toMatchObject({ code: "amc.missing-event-time", message: expect.stringContaining('main event time column "purchase_time"') });
    expect(await world.amc.uploads("no_event_time_ds")).toEqual([]);
  });

  it("refuses incompatible column types before uploading, and a value out of range naming row and column", async () => {
    const schema = { columns: [{ name: "email", type: "string" as const, nullable: true }, { name: "purchase_time", type: "boolean" as const, nullable: true }, { name: "product_sku", type: "string" as const, nullable: true }, { name: "product_quantity", type: "double" as const, nullable: true }] };
    const run = await send(world, uploadSettings("types_ds"), { rows: [["a@example.com", true, "s", 1.5]], schema });
    expect(run.failure?.error).toMatchObject({ code: "amc.incompatible-types", message: expect.stringMatching(/"purchase_time" is BOOLEAN.*"product_quantity" is DOUBLE but dataset column "product_quantity" is INTEGER/) });
    const range = await send(world, uploadSettings("range_ds"), { rows: [purchase(1), [...purchase(2).slice(0, 3), 3_000_000_000n, 1]] });
    expect(range.failure?.error).toMatchObject({ code: "amc.invalid-value", message: expect.stringContaining('row 2, column "product_quantity": 3000000000 is out of range for INTEGER') });
    expect(await listKeys(world, BUCKET, "uploads/range_ds/")).toEqual([]);
    expect(await world.amc.uploads("range_ds")).toEqual([]);
  });

  it("says the dataset is missing, with a definition to create it, when create_dataset is off", async () => {
    const run = await send(world, { ...uploadSettings("absent_ds"), create_dataset: false, dataset_definition: undefined }, { rows: purchases(3) });
    expect(run.failure?.error).toMatchObject({ code: "amc.dataset-missing", category: "needs-person" });
    expect(run.failure?.actions[0]).toMatchObject({ id: "amc.dataset-missing", title: "Create the dataset" });
    expect(run.failure?.actions[0]?.steps[0]).toContain('"dataSetId":"absent_ds"');
  });

  it("splits into gzip parts with a manifest, and with clean_upload_file removes the staged files after COMPLETED", async () => {
    const run = await send(world, uploadSettings("parts_ds", { part_megabytes: 1, clean_upload_file: true }), { rows: purchases(30_000) });
    expect(run.failure).toBeUndefined();
    const keys = run.report!.objects.map((o) => o.key);
    expect(keys.filter((k) => k.endsWith(".csv.gz")).length).toBeGreaterThan(1);
    expect(keys.at(-1)).toBe(`${keys[0]!.slice(0, keys[0]!.lastIndexOf("/"))}/manifest.txt`);
    expect(run.report!.details).toMatchObject({ OutputRowCount: 30_000, cleaned: true, data_source: { sourceS3Bucket: BUCKET, sourceManifestS3Key: keys.at(-1) } });
    expect(await world.amc.rows("parts_ds")).toHaveLength(30_000);
    expect(await listKeys(world, BUCKET, "uploads/parts_ds/")).toEqual([]);
  });

  it("two runs of the same job on the same day stage apart and are both ingested", async () => {
    const first = await send(world, uploadSettings("twice_ds"), { rows: purchases(4) });
    const second = await send(world, uploadSettings("twice_ds"), { rows: purchases(4) });
    expect(second.report!.details).toMatchObject({ upload_adopted: false, OutputRowCount: 4 });
    expect(second.report!.objects[0]!.key).not.toBe(first.report!.objects[0]!.key);
    expect(await world.amc.uploads("twice_ds")).toHaveLength(2);
    expect(await world.amc.rows("twice_ds")).toHaveLength(8);
  });

  it("without wait_until_finish, reports the upload as AMC holds it (PENDING) and leaves the files", async () => {
    const run = await send(world, uploadSettings("nowait_ds", { wait_until_finish: false }), { rows: purchases(5) });
    expect(run.report?.details).toMatchObject({ status: "PENDING", upload_id: expect.any(String) });
    expect(await listKeys(world, BUCKET, "uploads/nowait_ds/")).toHaveLength(1);
  });

  it("writes the manifest in Amazon's format: a text file with one s3://bucket/key URL per line, tagged for the instance", async () => {
    const run = await send(world, uploadSettings("manifest_ds", { part_megabytes: 1 }), { rows: purchases(30_000) });
    expect(run.failure).toBeUndefined();
    const keys = run.report!.objects.map((o) => o.key);
    const manifest = await world.admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys.at(-1)! }));
    expect(await manifest.Body!.transformToString()).toBe(keys.slice(0, -1).map((k) => `s3://${BUCKET}/${k}\n`).join(""));
    expect(manifest.ContentType).toMatch(/^text\/plain/);
    expect(run.report!.details).toMatchObject({ status: "COMPLETED", OutputRowCount: 30_000 });
  });

  it("says a row was skipped, not sent as null, when PII that does not normalize sits in a non-nullable column", async () => {
    const { dataSet } = purchasesDefinition("strict_email_ds");
    const definition = { dataSet: { ...dataSet, columns: dataSet.columns.map((c) => (c.name === "email" ? { ...c, nullable: false } : c)) } };
    const run = await send(world, uploadSettings("strict_email_ds", { dataset_definition: JSON.stringify(definition) }), { rows: [...purchases(3), ["not an email", ...purchase(4).slice(1)]] });
    expect(run.failure).toBeUndefined();
    expect(run.report!.rows).toBe(3);
    expect(run.report!.skippedRows).toEqual([{ reason: 'null or invalid EMAIL in non-nullable column "email"', count: 1 }]);
    expect(run.report!.warnings).toEqual(['1 EMAIL value in column "email" could not be normalized; its row was skipped (the column is not nullable)']);
    // In a nullable column the value does go, as null.
    const lenient = await send(world, uploadSettings("lenient_email_ds"), { rows: [...purchases(3), ["not an email", ...purchase(4).slice(1)]] });
    expect(lenient.report!.rows).toBe(4);
    expect(lenient.report!.warnings).toEqual(['1 EMAIL value in column "email" could not be normalized and was sent as null']);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "@conveyor/core";
import { BUCKET, getObject, listKeys, send, startWorld, type S3World } from "./harness.js";

let world: S3World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());
afterEach(() => world.s3.faults.clear());

const T = "export_2025_01_31";

/** ~150 bytes a row of barely compressible text, so a few tens of thousands of rows make multipart objects. */
async function* wideRows(count: number): AsyncGenerator<Row> {
  for (let i = 1; i <= count; i++) {
    const noise = (Math.imul(i, 2654435761) >>> 0).toString(36).repeat(12);
    yield [BigInt(i), `user${i}@example.com`, noise];
  }
}

describe("runs through faults, failures and retries", () => {
  it("survives a fault on every 20th request with byte-identical output", async () => {
    // ~100 MB in 6 MB files of two parts each: some 65 requests, so three 20th ones, and parts reset mid-body.
    const settings = { format: "csv", compression: "none", part_size_mb: 5, split: { megabytes: 6 } };
    const clean = await send(world, { ...settings, prefix: "clean" }, { rows: wideRows(700_000) });
    expect(clean.failure).toBeUndefined();

    const before = world.s3.faults.count();
    world.s3.faults.inject({ type: "slow-down", every: 20, times: "always", bucket: BUCKET });
    world.s3.faults.inject({ type: "reset", every: 11, afterBytes: 100_000, times: "always", operation: "UploadPart" });
    const faulty = await send(world, { ...settings, prefix: "faulty" }, { rows: wideRows(700_000) });
    world.s3.faults.clear();
    expect(faulty.failure).toBeUndefined();
    expect(world.s3.faults.injected.slice(before).filter((f) => f.type === "slow-down").length).toBeGreaterThanOrEqual(2);
    expect(world.s3.faults.injected.slice(before).filter((f) => f.type === "reset").length).toBeGreaterThanOrEqual(1);
    expect(world.s3.requests.filter((r) => r.operation === "UploadPart" && r.key?.startsWith("faulty/")).length).toBeGreaterThan(25);

    const digests = (run: typeof clean) => run.report!.objects.map((o) => [o.key.split("/").slice(1).join("/"), o.size, o.sha256]);
    expect(digests(faulty)).toEqual(digests(clean));
    for (const o of faulty.report!.objects) expect((await getObject(world, o.key)).length).toBe(o.size);
    expect(world.s3.pendingMultipartUploads(BUCKET)).toEqual([]);
  });

  it("fails after 2 of 3 split files, then a retry uploads only the third and the success file, once", async () => {
    const settings = { prefix: "retry", format: "tsv", split: { rows: 50_000 }, success_file: true };
    world.s3.faults.inject({ type: "internal-error", key: `retry/${T}/0000003.tsv`, times: "always" });
    const failed = await send(world, settings, { rows: wideRows(120_000) });
    expect(failed.status).toBe("failed");
    expect(failed.failure?.error.code).toBe("s3.transient");
    expect(failed.failure?.error.category).toBe("transient");
    expect(failed.failure?.actions.map((a) => a.id)).toEqual(["retry-task", "restart-workflow"]);
    expect(await listKeys(world, "retry/")).toEqual([`retry/${T}/0000001.tsv`, `retry/${T}/0000002.tsv`]);
    expect(world.s3.pendingMultipartUploads(BUCKET)).toEqual([]);

    world.s3.faults.clear(); // the cause is fixed
    const start = world.s3.requests.length;
    const retried = await send(world, settings, { rows: wideRows(120_000), previous: failed });
    expect(retried.status).toBe("succeeded");
    const writes = world.s3.requests.slice(start).filter((r) => r.key?.startsWith("retry/") && r.operation !== "GetObject");
    expect(writes.map((r) => [r.operation, r.key])).toEqual([
      ["PutObject", `retry/${T}/0000003.tsv`],
      ["PutObject", `retry/${T}.DONE`],
    ]);
    expect(await listKeys(world, "retry/")).toEqual([`retry/${T}.DONE`, `retry/${T}/0000001.tsv`, `retry/${T}/0000002.tsv`, `retry/${T}/0000003.tsv`]);
    const done = JSON.parse((await getObject(world, `retry/${T}.DONE`)).toString()) as { rows: number; objects: unknown[] };
    expect(done.rows).toBe(120_000);
    expect(done.objects).toHaveLength(3);
  });

  it("writes through an access point alias given as the bucket", async () => {
    const alias = "exports-ap-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c-s3alias";
    world.s3.createAccessPoint(alias, BUCKET);
    const run = await send(world, { prefix: "via-alias", format: "csv", success_file: true }, { bucket: alias });
    expect(run.failure).toBeUndefined();
    expect(await listKeys(world, "via-alias/")).toEqual([`via-alias/${T}.DONE`, `via-alias/${T}.csv`]);
  });

  it("maps a bucket that disappeared to Invalid bucket name with its four steps", async () => {
    world.s3.faults.inject({ type: "no-such-bucket", bucket: BUCKET, times: "always" });
    const run = await send(world, { prefix: "nobucket", format: "csv" });
    expect(run.failure?.error.code).toBe("s3.invalid-bucket-name");
    expect(run.failure?.actions[0]).toMatchObject({ title: "Invalid bucket name" });
    expect(run.failure?.actions[0]?.steps).toHaveLength(4);
  });

  it("maps a mistyped bucket, on which the writer has no grants, to Invalid bucket name, not Invalid permissions", async () => {
    const run = await send(world, { prefix: "typo", format: "csv" }, { bucket: "exports-bukket" });
    expect(run.failure?.error.code).toBe("s3.invalid-bucket-name");
    expect(run.failure?.error.details).toMatchObject({ aws_code: "NoSuchBucket", http_status: 404, bucket: "exports-bukket" });
    expect(run.failure?.actions[0]).toMatchObject({ id: "s3.invalid-bucket-name", title: "Invalid bucket name" });
    expect(run.failure?.actions[0]?.steps).toHaveLength(4);
  });

  it("refuses an access point ARN as the bucket as a settings problem pointing to the alias, not a transient failure", async () => {
    const run = await send(world, { prefix: "arn", format: "csv" }, { bucket: "arn:aws:s3:us-east-1:123456789012:accesspoint/exports-ap" });
    expect(run.failure?.error).toMatchObject({ code: "settings.invalid", category: "invalid-input" });
    expect(run.failure?.error.message).toContain("bucket setting is an access point ARN, which is not supported as the bucket; use the access point's alias instead");
    expect(run.failure?.actions.map((a) => a.id)).not.toContain("retry-task");
  });

  it("maps AccessDenied to Invalid permissions naming the missing actions and the resource", async () => {
    await world.s3.createBucket("conveyor-other"); // exists, but the writer has no grant on it
    const run = await send(world, { prefix: "denied", format: "csv" }, { bucket: "conveyor-other" });
    expect(run.failure?.error.code).toBe("s3.access-denied");
    expect(run.failure?.actions[0]?.title).toBe("Invalid permissions");
    expect(run.failure?.actions[0]?.steps.join("\n")).toContain("Allow s3:PutObject, s3:AbortMultipartUpload on arn:aws:s3:::conveyor-other/denied*");
  });
});

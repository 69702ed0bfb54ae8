import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUCKET, listKeys, purchases, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

const WRITES = new Set(["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]);

describe("a retried upload run", () => {
  it("does not upload again the parts and manifest an earlier attempt staged", async () => {
    // AMC refuses every upload request: the run fails after staging, with the parts in S3.
    world.amc.faults.inject({ type: "internal-error", operation: "CreateUpload", times: "always" });
    const failed = await send(world, uploadSettings("restaged_ds", { part_megabytes: 1 }), { rows: purchases(30_000) });
    world.amc.faults.clear();
    expect(failed.failure?.error.category).toBe("transient");
    const staged = failed.tasks.filter((t) => t.name.startsWith("upload ") && t.state === "succeeded").map((t) => t.name.slice("upload ".length));
    expect(staged.filter((k) => k.endsWith(".csv.gz")).length).toBeGreaterThan(1);
    expect(staged.at(-1)).toMatch(/\/manifest\.txt$/);
    expect(await listKeys(world, BUCKET, "uploads/restaged_ds/")).toEqual([...staged].sort());

    const start = world.s3.requests.length;
    const retried = await send(world, uploadSettings("restaged_ds", { part_megabytes: 1 }), { rows: purchases(30_000), previous: failed });
    expect(retried.failure).toBeUndefined();
    expect(world.s3.requests.slice(start).filter((r) => WRITES.has(r.operation) && r.key?.startsWith("uploads/restaged_ds/"))).toEqual([]);
    expect(retried.report!.objects.map((o) => o.key)).toEqual(staged);
    expect(retried.report!.warnings ?? []).toEqual([]);
    expect(await world.amc.uploads("restaged_ds")).toHaveLength(1);
    expect(await world.amc.rows("restaged_ds")).toHaveLength(30_000);
  });
});

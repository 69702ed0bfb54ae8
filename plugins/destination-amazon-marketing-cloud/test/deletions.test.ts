import { hashPii } from "@conveyor/pii";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchases, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

const deleteSchema = {
  columns: [
    { name: "Email", type: "string" as const, nullable: true },
    { name: "first_name", type: "string" as const, nullable: true },
    { name: "segment", type: "string" as const, nullable: true },
  ],
};

describe("delete identities", () => {
  it("normalizes and hashes identity columns, ignores (and reports) the others, batches 1,000 per request, and waits for SUCCEEDED", async () => {
    expect((await send(world, uploadSettings("people_ds"), { rows: purchases(2_600) })).failure).toBeUndefined();
    // Written as people type them: case and spaces differ from the uploaded emails.
    const rows: Array<Array<string | null>> = Array.from({ length: 2_500 }, (_, i) => [`  Buyer${i}@EXAMPLE.com `, "Ignored-by-this-dataset", "vip"]);
    rows.push([null, null, "nobody"]);
    const run = await send(world, { target: "dataset", operation: "delete", wait_until_finish: true }, { rows, schema: deleteSchema, name: "amc_delete" });
    expect(run.failure).toBeUndefined();
    const report = run.report!;
    expect(report.rows).toBe(2_500);
    expect(report.details).toMatchObject({ operation: "delete", status: "SUCCEEDED", identity_columns: ["Email", "first_name"], ignored_columns: ["segment"], identityCount: 2_500 });
    expect(report.details!.userDeletionRequestIds).toHaveLength(3);
    expect(report.skippedRows).toEqual([{ reason: "no identity value that normalizes (all identity columns empty or invalid)", count: 1 }]);
    expect(report.warnings).toEqual(["columns that are not identities were ignored: segment"]);
    const deletions = await world.amc.deletions();
    expect(deletions.map((d) => d.identityCount)).toEqual([1_000, 1_000, 500]);
    const left = await world.amc.rows("people_ds");
    expect(left).toHaveLength(100);
    expect(left.map((r) => r.email)).toContain(hashPii("EMAIL", "buyer2599@example.com"));
    expect(left.map((r) => r.email)).not.toContain(hashPii("EMAIL", "buyer0@example.com"));
  });

  it("needs at least one identity column", async () => {
    const run = await send(world, { target: "dataset", operation: "delete" }, { rows: [["x"]], schema: { columns: [{ name: "segment", type: "string", nullable: true }] } });
    expect(run.failure?.error).toMatchObject({ code: "amc.no-identity-columns", category: "invalid-input", message: expect.stringContaining("first_name, last_name, email, phone, address, city, state, zip, country_code") });
  });
});

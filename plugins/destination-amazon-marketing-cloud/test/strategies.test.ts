import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchases, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

/** The stored rows' days and skus, sorted: what each strategy must leave in the dataset. */
async function stored(dataSetId: string): Promise<string[]> {
  return (await world.amc.rows(dataSetId)).map((r) => `${r.purchase_time!.slice(0, 10)} ${r.product_sku}`).sort();
}

const day = (d: number, rows: number, from = 0) => purchases(rows, d, from);

/** Day 1 and day 2 stored first; the second upload covers days 2 and 3 with other rows. */
async function twoUploads(dataSetId: string, strategy: string) {
  const first = await send(world, uploadSettings(dataSetId), { rows: [...day(1, 2), ...day(2, 2)] });
  expect(first.failure).toBeUndefined();
  const second = await send(world, uploadSettings(dataSetId, { update_strategy: strategy }), { rows: [...day(2, 1, 5), ...day(3, 1, 6)] });
  expect(second.failure).toBeUndefined();
  return second;
}

describe("update strategies: their effect on the dataset's stored rows", () => {
  it("ADDITIVE appends", async () => {
    await twoUploads("additive_ds", "ADDITIVE");
    expect(await stored("additive_ds")).toEqual(["2024-05-01 sku-0", "2024-05-01 sku-1", "2024-05-02 sku-0", "2024-05-02 sku-1", "2024-05-02 sku-5", "2024-05-03 sku-6"]);
  });

  it("FULL_REPLACE replaces everything", async () => {
    await twoUploads("full_ds", "FULL_REPLACE");
    expect(await stored("full_ds")).toEqual(["2024-05-02 sku-5", "2024-05-03 sku-6"]);
  });

  it("OVERLAP_REPLACE replaces the days the upload covers and keeps the others", async () => {
    await twoUploads("overlap_replace_ds", "OVERLAP_REPLACE");
    expect(await stored("overlap_replace_ds")).toEqual(["2024-05-01 sku-0", "2024-05-01 sku-1", "2024-05-02 sku-5", "2024-05-03 sku-6"]);
  });

  it("OVERLAP_KEEP keeps stored days and adds only new ones; AMC's count says how many were added", async () => {
    const second = await twoUploads("overlap_keep_ds", "OVERLAP_KEEP");
    expect(await stored("overlap_keep_ds")).toEqual(["2024-05-01 sku-0", "2024-05-01 sku-1", "2024-05-02 sku-0", "2024-05-02 sku-1", "2024-05-03 sku-6"]);
    expect(second.report!.details).toMatchObject({ update_strategy: "OVERLAP_KEEP", OutputRowCount: 1 });
  });
});

import { jobSchema, testJobConnection } from "@conveyor/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOf, credentialOf, purchases, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

const check = (settings: Record<string, unknown>, withCredential = true) =>
  testJobConnection(
    world.host,
    jobSchema.parse({
      name: "connection",
      ...(withCredential ? { credential: credentialOf(world) } : {}),
      destination: { plugin: "amazon-marketing-cloud", settings: { ...authOf(world), ...settings } },
    }),
  );

describe("connection test", () => {
  it("checks Login with Amazon, the dataset, and the staging credential", async () => {
    expect((await send(world, uploadSettings("existing_ds"), { rows: purchases(1) })).failure).toBeUndefined();
    const checks = await check(uploadSettings("existing_ds"));
    expect(checks.slice(0, 2)).toEqual([
      expect.objectContaining({ name: "Login with Amazon", status: "ok" }),
      expect.objectContaining({ name: "AMC dataset", status: "ok", message: expect.stringContaining('has dataset "existing_ds" with 5 columns') }),
    ]);
    expect(checks.filter((c) => c.status === "failed")).toEqual([]);
  });

  it("warns that a dataset will be created, and fails one that is missing with the dataset action", async () => {
    expect((await check(uploadSettings("future_ds"))).find((c) => c.name === "AMC dataset")).toMatchObject({ status: "warning", message: expect.stringContaining("first run creates it") });
    const missing = (await check({ ...uploadSettings("future_ds"), create_dataset: false, dataset_definition: undefined })).find((c) => c.name === "AMC dataset");
    expect(missing).toMatchObject({ status: "failed", error: { code: "amc.dataset-missing", action: { title: "Create the dataset" } } });
  });

  it("fails on refused LwA credentials with 'Update credentials', and without an S3 credential for uploads", async () => {
    const refused = await check({ ...uploadSettings("existing_ds"), lwa_client_secret: "wrong-secret" });
    expect(refused).toEqual([expect.objectContaining({ name: "Login with Amazon", status: "failed", error: expect.objectContaining({ code: "credentials.invalid", action: expect.objectContaining({ title: "Update credentials" }) }) })]);
    expect(JSON.stringify(refused)).not.toContain("wrong-secret");
    const noCredential = await check(uploadSettings("existing_ds"), false);
    expect(noCredential.at(-1)).toMatchObject({ name: "staging bucket", status: "failed", message: expect.stringContaining("give the job an AWS credential") });
  });

  it("needs amc_account_id when AMC lists no account for the credentials", async () => {
    const checks = await check({ target: "dataset", operation: "delete", amc_account_id: undefined });
    expect(checks.at(-1)).toMatchObject({ name: "AMC instance", status: "failed", message: expect.stringContaining("set amc_account_id") });
  });
});

import { jobSchema, testJobConnection } from "@conveyor/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOf, credentialsOf, destinationSettings, purchases, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

const check = (settings: Record<string, unknown>, credentials: Record<string, unknown> = credentialsOf(world)) =>
  testJobConnection(
    world.host,
    jobSchema.parse({ name: "connection", credentials, destination: { plugin: "amazon-marketing-cloud", settings: destinationSettings(world, settings) } }),
  );

describe("connection test", () => {
  it("checks the api credential (Login with Amazon), the dataset, and the staging credential", async () => {
    expect((await send(world, uploadSettings("existing_ds"), { rows: purchases(1) })).failure).toBeUndefined();
    const checks = await check(uploadSettings("existing_ds"));
    expect(checks.slice(0, 2)).toEqual([
      expect.objectContaining({ name: "access token", status: "ok", message: expect.stringContaining(world.amc.lwa.clientId) }),
      expect.objectContaining({ name: "AMC dataset", status: "ok", message: expect.stringContaining('has dataset "existing_ds" with 5 columns') }),
    ]);
    expect(checks.filter((c) => c.status === "failed")).toEqual([]);
  });

  it("warns that a dataset will be created, and fails one that is missing with the dataset action", async () => {
    expect((await check(uploadSettings("future_ds"))).find((c) => c.name === "AMC dataset")).toMatchObject({ status: "warning", message: expect.stringContaining("first run creates it") });
    const missing = (await check({ ...uploadSettings("future_ds"), create_dataset: false, dataset_definition: undefined })).find((c) => c.name === "AMC dataset");
    expect(missing).toMatchObject({ status: "failed", error: { code: "amc.dataset-missing", action: { title: "Create the dataset" } } });
  });

  it("stops at a refused api credential with its fix-credentials action, and fails an upload without a staging credential", async () => {
    const refused = await check(uploadSettings("existing_ds"), credentialsOf(world, { client_secret: "wrong-secret" }));
    expect(refused).toEqual([expect.objectContaining({ name: "access token", status: "failed", error: expect.objectContaining({ code: "credentials.invalid", action: expect.objectContaining({ kind: "fix-credentials" }) }) })]);
    expect(JSON.stringify(refused)).not.toContain("wrong-secret");
    const noStaging = await check(uploadSettings("existing_ds"), { api: apiOf(world) });
    expect(noStaging.at(-1)).toMatchObject({ name: "staging bucket", status: "failed", message: expect.stringContaining("give the job credentials.staging:") });
    // A delete stages nothing: it needs no staging credential.
    expect((await check({ target: "dataset", operation: "delete" }, { api: apiOf(world) })).filter((c) => c.status === "failed")).toEqual([]);
  });

  it("takes the first account AMC lists when amc_account_id is blank", async () => {
    const listed = () => world.amc.requests.filter((r) => r.operation === "ListAccounts").length;
    const before = listed();
    const checks = await check({ target: "dataset", operation: "delete", amc_account_id: "" });
    expect(checks.at(-1)).toMatchObject({ name: "AMC instance", status: "ok", message: `instance ${world.amc.instanceId}, account ${world.amc.accountId}` });
    expect(listed() - before).toBe(1);
    // A run too: every advertiser-data call carries the listed account (the emulator checks it).
    const run = await send(world, { ...uploadSettings("first_account_ds"), amc_account_id: null }, { rows: purchases(2) });
    expect(run.failure).toBeUndefined();
    expect(run.report!.details).toMatchObject({ status: "COMPLETED", OutputRowCount: 2 });
  });

  it("needs amc_account_id when AMC lists no account for the credentials, as a settings fix", async () => {
    const accounts = world.amc.accounts.splice(0);
    try {
      const run = await send(world, { target: "dataset", operation: "delete", amc_account_id: undefined }, { schema: { columns: [{ name: "email", type: "string", nullable: true }] }, rows: [["a@example.com"]] });
      expect(run.failure?.error).toMatchObject({ code: "settings.invalid", category: "invalid-input", message: expect.stringContaining("destination.settings.amc_account_id: is blank, and AMC lists no account") });
      expect(run.failure?.actions[0]).toMatchObject({ kind: "fix-settings", id: "amc.fix-settings", title: "Fix the destination settings", steps: [expect.stringContaining("set amc_account_id"), expect.stringContaining("Restart the workflow with the corrected settings")] });
    } finally {
      world.amc.accounts.push(...accounts);
    }
  });

  it("asks for the bucket setting when neither the settings nor the credential name one", async () => {
    const run = await send(world, { ...uploadSettings("no_bucket_ds"), bucket: undefined }, { rows: purchases(1) });
    expect(run.failure?.error).toMatchObject({ code: "settings.invalid", message: expect.stringContaining("destination.settings.bucket: is required for uploads") });
    expect(run.failure?.actions[0]).toMatchObject({ kind: "fix-settings", id: "amc.fix-settings", steps: [expect.stringContaining("set bucket"), expect.stringContaining("Restart the workflow with the corrected settings")] });
  });
});

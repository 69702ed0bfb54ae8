import type { Row } from "@conveyor/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchase, purchases, send, startWorld, uploadSettings, UNREADABLE_BUCKET, type World } from "./harness.js";

let world: World;
// Tokens live 2 s, so a run that polls outlives its first token.
beforeAll(async () => void (world = await startWorld({ tokenLifetimeSeconds: 2 })));
afterAll(async () => world?.close());

const unauthorized = () => world.amc.requests.filter((r) => r.status === 401).length;

describe("Login with Amazon tokens", () => {
  it("refreshes before the token expires, so AMC never sees an expired one", async () => {
    const before = { issued: world.amc.tokens.issued.length, unauthorized: unauthorized() };
    // 3 s of AMC-side work: the run polls past the 2 s token lifetime.
    world.amc.delays.finishMs = 3_000;
    try {
      const run = await send(world, uploadSettings("refresh_ds"), { rows: purchases(5) });
      expect(run.failure).toBeUndefined();
    } finally {
      world.amc.delays.finishMs = 1_000;
    }
    expect(world.amc.tokens.issued.length - before.issued).toBeGreaterThanOrEqual(2);
    expect(unauthorized()).toBe(before.unauthorized);
  });

  it("refreshes once and retries when AMC says the token expired mid-run", async () => {
    const expired = world.amc.faults.count("expired-token");
    world.amc.faults.inject({ type: "expired-token", operation: "GetUpload" });
    const issued = world.amc.tokens.issued.length;
    const run = await send(world, uploadSettings("expired_ds"), { rows: purchases(5) });
    expect(run.failure).toBeUndefined();
    expect(world.amc.faults.count("expired-token")).toBe(expired + 1);
    // The run's first token, and the one fetched because AMC refused it.
    expect(world.amc.tokens.issued.length - issued).toBe(2);
    expect(run.report!.details).toMatchObject({ status: "COMPLETED", OutputRowCount: 5 });
  });

  it("refreshes only once: a fresh token refused too means the credentials need a person", async () => {
    world.amc.faults.inject({ type: "expired-token", operation: "GetDataSet", times: 2 });
    const run = await send(world, uploadSettings("expired_twice_ds"), { rows: purchases(1) });
    expect(run.failure?.error).toMatchObject({ code: "credentials.invalid", category: "needs-person" });
    expect(run.failure?.actions[0]?.title).toBe("Update credentials");
  });

  it("fails with the api credential's reconnect action when LwA refuses the refresh token, without leaking secrets", async () => {
    const run = await send(world, uploadSettings("revoked_ds"), { rows: purchases(1), api: { refresh_token: "Atzr|not-a-valid-refresh-token" } });
    expect(run.failure?.error).toMatchObject({ code: "credentials.invalid", category: "needs-person", message: expect.stringContaining("invalid_grant") });
    expect(run.failure?.actions[0]).toMatchObject({ kind: "fix-credentials", id: "lwa.reconnect" });
    const text = JSON.stringify(run);
    expect(text).not.toContain(world.amc.lwa.clientSecret);
    expect(text).not.toContain("Atzr|not-a-valid-refresh-token");
  });

  it("says when AMC's terms are not accepted (not retried)", async () => {
    world.amc.termsAccepted = false;
    const refused = () => world.amc.requests.filter((r) => r.operation === "GetDataSet" && r.status === 401).length;
    const before = refused();
    try {
      const run = await send(world, uploadSettings("terms_ds"), { rows: purchases(1) });
      expect(run.failure?.error).toMatchObject({ code: "amc.terms-not-accepted", category: "needs-person" });
      expect(run.failure?.actions[0]?.title).toBe("Accept the AMC terms");
      expect(refused() - before).toBe(1);
    } finally {
      world.amc.termsAccepted = true;
    }
  });
});

describe("throttling and server errors", () => {
  it("rides out a 429 storm, waiting as long as Retry-After says", async () => {
    world.sleeps.length = 0;
    world.amc.faults.inject({ type: "throttle", times: 4, retryAfterSeconds: 2 });
    const run = await send(world, uploadSettings("storm_ds"), { rows: purchases(5) });
    expect(run.failure).toBeUndefined();
    expect(world.amc.faults.count("throttle")).toBeGreaterThanOrEqual(4);
    expect(world.sleeps.filter((ms) => ms === 2_000)).toHaveLength(4);
  });

  it("gives up on an endless storm as a transient failure (exit 4)", async () => {
    const id = world.amc.faults.inject({ type: "throttle", times: "always", retryAfterSeconds: 0, operation: "GetDataSet" });
    try {
      const run = await send(world, uploadSettings("endless_ds"), { rows: purchases(1) });
      expect(run.failure?.error).toMatchObject({ code: "amc.throttled", category: "transient" });
    } finally {
      world.amc.faults.clear(id);
    }
  });

  it("retries 500 and 504", async () => {
    world.amc.faults.inject({ type: "internal-error", operation: "GetDataSet" });
    world.amc.faults.inject({ type: "gateway-timeout", operation: "GetUpload" });
    const run = await send(world, uploadSettings("flaky_ds"), { rows: purchases(3) });
    expect(run.failure).toBeUndefined();
    expect(run.report!.details).toMatchObject({ status: "COMPLETED", OutputRowCount: 3 });
  });
});

describe("no duplicate ingestion", () => {
  it("adopts the upload AMC accepted when the answer to the POST was lost, instead of posting again", async () => {
    world.amc.faults.inject({ type: "drop-response", operation: "CreateUpload" });
    const run = await send(world, uploadSettings("dropped_ds"), { rows: purchases(40) });
    expect(run.failure).toBeUndefined();
    expect(world.amc.faults.count("drop-response")).toBe(1);
    expect(run.report!.details).toMatchObject({ upload_adopted: true, OutputRowCount: 40 });
    expect(await world.amc.uploads("dropped_ds")).toHaveLength(1);
    expect(await world.amc.rows("dropped_ds")).toHaveLength(40);
  });

  it("posts again after a 500 when AMC lists no such upload — still exactly one upload", async () => {
    world.amc.faults.inject({ type: "internal-error", operation: "CreateUpload" });
    const run = await send(world, uploadSettings("refused_once_ds"), { rows: purchases(7) });
    expect(run.failure).toBeUndefined();
    expect(run.report!.details).toMatchObject({ upload_adopted: false, OutputRowCount: 7 });
    expect(world.amc.requests.filter((r) => r.operation === "ListUploads").length).toBeGreaterThanOrEqual(1);
    expect(await world.amc.uploads("refused_once_ds")).toHaveLength(1);
  });

  it("a run that died after AMC accepted its upload, before recording it, adopts that upload when retried", async () => {
    const first = await send(world, uploadSettings("crashed_ds"), { rows: purchases(6) });
    expect(first.failure).toBeUndefined();
    // As if the process had died right after the POST: the run's record holds no completed task.
    const retried = await send(world, uploadSettings("crashed_ds"), { rows: purchases(6), previous: { ...first, status: "failed", tasks: [] } });
    expect(retried.failure).toBeUndefined();
    expect(retried.report!.details).toMatchObject({ upload_adopted: true, upload_id: first.report!.details!.upload_id });
    expect(await world.amc.uploads("crashed_ds")).toHaveLength(1);
    expect(await world.amc.rows("crashed_ds")).toHaveLength(6);
  });

  it("a retried run does not stage or post the upload again", async () => {
    world.amc.faults.inject({ type: "throttle", times: "always", retryAfterSeconds: 0, operation: "GetUpload" });
    const failed = await send(world, uploadSettings("retried_ds"), { rows: purchases(9) });
    world.amc.faults.clear();
    expect(failed.failure?.error.code).toBe("amc.throttled");
    const retried = await send(world, uploadSettings("retried_ds"), { rows: purchases(9), previous: failed });
    expect(retried.failure).toBeUndefined();
    expect(await world.amc.uploads("retried_ds")).toHaveLength(1);
    expect(await world.amc.rows("retried_ds")).toHaveLength(9);
  });
});

describe("workflow actions for failed uploads", () => {
  it("shows the bucket policy (bucket and data-upload account filled in) and the tag when AMC cannot read the bucket", async () => {
    const run = await send(world, uploadSettings("unreadable_ds", { bucket: UNREADABLE_BUCKET }), { rows: purchases(2) });
    expect(run.failure?.error).toMatchObject({ code: "amc.bucket-not-readable", category: "needs-person", message: expect.stringContaining("AccessDenied") });
    const steps = run.failure!.actions[0]!.steps.join("\n");
    expect(steps).toContain(`"AWS": "arn:aws:iam::${world.amc.dataUploadAccountId}:root"`);
    expect(steps).toContain(`"arn:aws:s3:::${UNREADABLE_BUCKET}/*"`);
    expect(steps).toContain("s3:GetObjectTagging");
    expect(steps).toContain(`instanceId = ${world.amc.instanceId}`);
  });

  it("passes AMC's message on when it fails an upload (the dataset changed under the run)", async () => {
    // AMC's definition changes after the run read it: purchase_value becomes non-nullable.
    const first = await send(world, uploadSettings("changed_ds"), { rows: purchases(1) });
    expect(first.failure).toBeUndefined();
    world.amc.faults.inject({ type: "latency", ms: 400, operation: "CreateUpload" });
    const withoutValue = (i: number) => [...purchase(i).slice(0, 4), null];
    const run = await sendWhileNonNullable("changed_ds", "purchase_value", [withoutValue(1), withoutValue(2)]);
    expect(run.failure?.error).toMatchObject({ code: "amc.upload-failed", message: expect.stringContaining("column purchase_value is not nullable but is empty") });
    expect(run.failure?.actions[0]).toMatchObject({ kind: "fix-input", id: "amc.upload-failed", problem: expect.stringContaining("purchase_value") });
  });

  it("reports PARTIAL_SUCCESS with AMC's message as a warning when AMC ingests only some rows", async () => {
    const first = await send(world, uploadSettings("partial_ds"), { rows: purchases(1) });
    expect(first.failure).toBeUndefined();
    const run = await sendWhileNonNullable("partial_ds", "purchase_value", [...purchases(2, 2), [...purchase(9, 2).slice(0, 4), null]]);
    expect(run.failure).toBeUndefined();
    expect(run.report!.details).toMatchObject({ status: "PARTIAL_SUCCESS", OutputRowCount: 2 });
    expect(run.report!.warnings).toEqual([expect.stringMatching(/^AMC ingested upload \S+ only in part \(2 rows\): 1 invalid row\(s\) were not ingested.*purchase_value is not nullable/)]);
    expect(await world.amc.rows("partial_ds")).toHaveLength(3);
  });
});

/**
 * Sends while AMC's definition changes under the run: once the run has read the dataset,
 * `column` becomes non-nullable, so AMC refuses the rows where it is empty.
 */
async function sendWhileNonNullable(dataSetId: string, column: string, rows: Row[]) {
  world.amc.faults.inject({ type: "latency", ms: 400, operation: "CreateUpload" });
  const running = send(world, uploadSettings(dataSetId), { rows });
  const seen = world.amc.requests.length;
  while (!world.amc.requests.slice(seen).some((r) => r.operation === "GetDataSet")) await new Promise((r) => setTimeout(r, 5));
  world.amc.dataSet(dataSetId)!.columns.find((c) => c.name === column)!.nullable = false;
  return running;
}

describe("AMC's error bodies", () => {
  it("reads the gateway's {message, requestId} into the error and its workflow action", async () => {
    const run = await send(world, uploadSettings("denied_ds", { amc_account_id: "ENTITYNOTMINE0001" }), { rows: purchases(1) });
    const said = "Amazon-Advertising-API-AdvertiserId ENTITYNOTMINE0001 has no access to this AMC instance";
    expect(run.failure?.error).toMatchObject({
      code: "amc.access-denied",
      category: "needs-person",
      message: expect.stringContaining(said),
      details: { http_status: 403, amc_details: said, request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(run.failure?.actions[0]).toMatchObject({ kind: "fix-permissions", id: "amc.access-denied", problem: expect.stringContaining(said) });
  });

  it("reads the service's {code, details, errors, requestId} too", async () => {
    const definition = { dataSet: { dataSetId: "consent_ds", columns: [{ name: "email", columnType: "DIMENSION", dataType: "STRING", consentType: "NONE" }] } };
    const run = await send(world, uploadSettings("consent_ds", { dataset_definition: JSON.stringify(definition) }), { rows: [] });
    expect(run.failure?.error).toMatchObject({
      code: "amc.request-refused",
      category: "invalid-input",
      message: expect.stringContaining("AMC answered HTTP 400 BAD_REQUEST to create dataset consent_ds: Invalid data set definition: dataSet.columns[0].consentType must be one of"),
      details: { amc_code: "BAD_REQUEST", request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });
});

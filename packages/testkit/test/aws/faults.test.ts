import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { IdentityStore, startS3Emulator, type S3Emulator } from "../../src/index.js";
import { caught, creds, s3Client } from "./helpers.js";

const identities = new IdentityStore();
const user = identities.createUser("tester", [{ actions: ["s3:*"], resource: "*" }]);
const BUCKET = "faulty";
let s3: S3Emulator;
beforeAll(async () => {
  s3 = await startS3Emulator({ identities, buckets: [BUCKET] });
});
afterAll(() => s3.close());
afterEach(() => s3.faults.clear());

const client = (maxAttempts = 1) => s3Client(s3.endpoint, creds(user), { maxAttempts });
const put = (c = client(), Key = "k", Body: string | Buffer = "body") => c.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));

describe("S3 front: faults", () => {
  it("answers 503 SlowDown to the next N matching requests, and the SDK's retries get through", async () => {
    s3.faults.inject({ type: "slow-down", times: 2, operation: "PutObject" });
    const before = s3.faults.count("slow-down");
    await client().send(new ListObjectsV2Command({ Bucket: BUCKET })); // another operation: unaffected
    const error = await caught(put());
    expect(error.name).toBe("SlowDown");
    expect(error.$metadata?.httpStatusCode).toBe(503);
    await put(client(3)); // second SlowDown, then success on retry
    expect(s3.faults.count("slow-down") - before).toBe(2);
    expect(s3.faults.pending()).toEqual([]);
  });

  it("fires on every Nth matching request with `every`, and logs each request", async () => {
    s3.faults.inject({ type: "internal-error", every: 3, times: "always", operation: "PutObject" });
    const start = s3.requests.length;
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await put(client(), `every-${i}`).then(() => "ok", (e: Error) => e.name));
    expect(results).toEqual(["ok", "ok", "InternalError", "ok", "ok", "InternalError", "ok"]);
    expect(s3.requests.slice(start).map((r) => r.operation)).toEqual(Array(7).fill("PutObject"));
    expect(s3.requests.at(-1)).toEqual({ operation: "PutObject", bucket: BUCKET, key: "every-6" });
  });

  it("lets one fault decide a request, so a second one waits for the next request instead of being used up", async () => {
    s3.faults.inject({ type: "slow-down", operation: "PutObject" });
    s3.faults.inject({ type: "internal-error", operation: "PutObject" });
    expect(await put().then(() => "ok", (e: Error) => e.name)).toBe("SlowDown");
    expect(await put().then(() => "ok", (e: Error) => e.name)).toBe("InternalError");
    expect(await put().then(() => "ok", (e: Error) => e.name)).toBe("ok");
  });

  it("can target keys by prefix", async () => {
    s3.faults.inject({ type: "slow-down", key: "only/", times: "always" });
    expect(await put(client(), "other/x").then(() => "ok", (e: Error) => e.name)).toBe("ok");
    expect(await put(client(), "only/x").then(() => "ok", (e: Error) => e.name)).toBe("SlowDown");
  });

  it("answers 500 InternalError", async () => {
    s3.faults.inject({ type: "internal-error" });
    const error = await caught(client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "k" })));
    expect(error.name).toBe("InternalError");
    expect(error.$metadata?.httpStatusCode).toBe(500);
    expect(s3.faults.injected.at(-1)).toMatchObject({ type: "internal-error", operation: "GetObject", bucket: BUCKET });
  });

  it("resets the connection after K bytes of the request body; nothing is stored", async () => {
    s3.faults.inject({ type: "reset", afterBytes: 64 * 1024, operation: "PutObject" });
    const error = await caught(put(client(), "reset.bin", Buffer.alloc(1024 * 1024, 1)));
    expect(String((error as { code?: string }).code ?? error.message)).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    expect(s3.faults.count("reset")).toBe(1);
    const missing = await caught(client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "reset.bin" })));
    expect(missing.name).toBe("NoSuchKey");
  });

  it("adds latency", async () => {
    s3.faults.inject({ type: "latency", ms: 300, operation: "HeadBucket" });
    const started = Date.now();
    await client().send(new HeadBucketCommand({ Bucket: BUCKET }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(s3.faults.count("latency")).toBe(1);
  });

  it("makes a bucket disappear (NoSuchBucket) until cleared", async () => {
    const id = s3.faults.inject({ type: "no-such-bucket", bucket: BUCKET, times: "always" });
    for (let i = 0; i < 2; i++) {
      const error = await caught(put());
      expect(error.name).toBe("NoSuchBucket");
      expect(error.$metadata?.httpStatusCode).toBe(404);
    }
    s3.faults.clear(id);
    await put();
  });

  it("is driven over HTTP by the control endpoint", async () => {
    const control = `${s3.endpoint}/__emulator/faults`;
    const created = await fetch(control, { method: "POST", body: JSON.stringify({ type: "slow-down", operation: "PutObject" }) });
    expect(created.status).toBe(201);
    const bad = await fetch(control, { method: "POST", body: JSON.stringify({ type: "meteor" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain("Fault type must be one of");
    expect((await caught(put())).name).toBe("SlowDown");
    const state = (await (await fetch(control)).json()) as { counts: Record<string, number>; pending: unknown[] };
    expect(state.counts["slow-down"]).toBeGreaterThanOrEqual(1);
    expect(state.pending).toEqual([]);
    await fetch(control, { method: "POST", body: JSON.stringify({ type: "internal-error", times: "always" }) });
    expect((await fetch(control, { method: "DELETE" })).status).toBe(204);
    await put();
    const uploads = await fetch(`${s3.endpoint}/__emulator/multipart-uploads`);
    expect(await uploads.json()).toEqual([]);
  });
});

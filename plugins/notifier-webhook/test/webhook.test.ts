import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PluginHost, SecretRegistry, type RunRecord, type WorkflowAction } from "@conveyor/core";
import { Scheduler, type NotificationMessage, type Notifier } from "@conveyor/scheduler";
import { afterEach, describe, expect, it } from "vitest";
import webhook, { verifySignature } from "../src/index.js";

const SECRET = "s3cr3t-webhook-signing-key";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver that answers each request with the next status of `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 429 ? { "retry-after": "0" } : {}).end(status === 200 ? "ok" : "try later");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/conveyor?token=abc`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function host(): PluginHost {
  const h = new PluginHost({ secrets: new SecretRegistry() });
  h.add(webhook, "test");
  return h;
}

const notification: NotificationMessage = {
  id: "20250301T010000000-0001-abcd",
  kind: "run-failed",
  level: "error",
  title: "Scheduled run of customers failed: s3.invalid-bucket-name",
  message: "bucket name is invalid",
  created_at: "2025-03-01T01:00:00.000Z",
  schedule_id: "customers",
  job: "/jobs/customers.yaml",
  scheduled_time: "2025-03-01T01:00:00.000Z",
  run_id: "20250301T010000-abc123",
  error: { code: "s3.invalid-bucket-name", message: "bucket name is invalid", category: "invalid-input" },
  actions: [{ kind: "fix-settings", id: "s3.invalid-bucket-name", title: "Invalid bucket name", problem: "The bucket name is wrong.", steps: ["Verify the bucket name.", "Update the destination."] }],
};

describe("webhook notifier", () => {
  it("POSTs the notification JSON signed with HMAC-SHA256 of the body, retrying 503 and 429 with backoff", async () => {
    const { url, received } = await receiver([503, 429]);
    const notifier = await host().create<Notifier>("notifier", "webhook", { url, secret: SECRET, backoff_ms: 5, headers: { authorization: "Bearer t0ken-value" } });
    await notifier.notify(notification);
    expect(received).toHaveLength(3);
    const last = received[2]!;
    expect(JSON.parse(last.body)).toEqual(notification);
    expect(last.headers["content-type"]).toBe("application/json");
    expect(last.headers["x-conveyor-event"]).toBe("run-failed");
    expect(last.headers["x-conveyor-delivery"]).toBe(notification.id);
    expect(last.headers.authorization).toBe("Bearer t0ken-value");
    const signature = last.headers["x-conveyor-signature"] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(last.body, signature, SECRET)).toBe(true);
    expect(verifySignature(last.body, signature, "another-secret-of-16+")).toBe(false);
    expect(verifySignature(last.body.replace("invalid", "valid"), signature, SECRET)).toBe(false);
  });

  it("sends no signature without a secret", async () => {
    const { url, received } = await receiver();
    await (await host().create<Notifier>("notifier", "webhook", { url })).notify(notification);
    expect(received[0]?.headers["x-conveyor-signature"]).toBeUndefined();
  });

  it("does not retry a 4xx answer, and stops after max_attempts on 5xx; messages show only the URL's origin", async () => {
    const rejected = await receiver([404]);
    const notifier = await host().create<Notifier>("notifier", "webhook", { url: rejected.url, backoff_ms: 1 });
    await expect(notifier.notify(notification)).rejects.toMatchObject({ code: "webhook.rejected", category: "needs-person" });
    expect(rejected.received).toHaveLength(1);

    const down = await receiver([500, 500, 500, 500]);
    const limited = await host().create<Notifier>("notifier", "webhook", { url: down.url, backoff_ms: 1, max_attempts: 3 });
    const error = await limited.notify(notification).catch((e: Error) => e);
    expect(error).toMatchObject({ code: "webhook.unavailable", category: "transient" });
    expect((error as Error).message).toBe(`webhook ${new URL(down.url).origin} answered 500 Internal Server Error`);
    expect(down.received).toHaveLength(3);
  });

  it("reports an unreachable URL as transient after its attempts", async () => {
    const { url, server } = await receiver();
    await new Promise((r) => server.close(r));
    const notifier = await host().create<Notifier>("notifier", "webhook", { url, backoff_ms: 1, max_attempts: 2 });
    await expect(notifier.notify(notification)).rejects.toMatchObject({ code: "webhook.unreachable", category: "transient" });
  });

  it("refuses bad settings naming the field, and keeps the secret out of logs (a secret setting, read from the environment)", async () => {
    const h = host();
    await expect(h.create("notifier", "webhook", { url: "ftp://example.com/x" }, { path: "channels[0].settings" })).rejects.toThrow("channels[0].settings.url: must be an http:// or https:// URL");
    await expect(h.create("notifier", "webhook", { url: "http://127.0.0.1/x", secret: "short" })).rejects.toThrow("notifier.settings.secret: must be at least 16 characters");
    expect(webhook.secrets).toContain("secret");
    await h.create("notifier", "webhook", { url: "http://127.0.0.1/x", secret: "${env:HOOK_SECRET}" }, { environment: { env: { HOOK_SECRET: SECRET } } });
    expect(h.secrets.redact(`signed with ${SECRET}`)).toBe("signed with [REDACTED]");
  });

  it("treats the URL as secret except its origin: its path and query are redacted wherever the host prints, logs or stores", async () => {
    const { url } = await receiver([404]);
    const tokened = url.replace("/hooks/conveyor?token=abc", "/services/T0KEN-IN-PATH?sig=t0ken-in-query");
    const h = host();
    const notifier = await h.create<Notifier>("notifier", "webhook", { url: tokened });
    const origin = new URL(tokened).origin;
    expect(h.secrets.redact(`posting to ${tokened}`)).toBe(`posting to ${origin}[REDACTED]`);
    const error = (await notifier.notify(notification).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(`webhook ${origin} answered 404 Not Found; check the URL and any token in its headers`);
  });

  it("sends no registered secret value in the body, whoever made the notification", async () => {
    const { url, received } = await receiver();
    const h = host();
    h.secrets.add("tenant-secret-value-42");
    await (await h.create<Notifier>("notifier", "webhook", { url })).notify({ ...notification, message: "the token tenant-secret-value-42 was refused" });
    expect(JSON.parse(received[0]!.body)).toMatchObject({ message: "the token [REDACTED] was refused" });
  });

  it("delivers the scheduler's notifications: a failed run's alert arrives signed, with its run id and workflow actions", async () => {
    const { url, received } = await receiver();
    const notifier = await host().create<Notifier>("notifier", "webhook", { url, secret: SECRET });
    let now = Date.parse("2025-03-01T00:30:00Z");
    const clock = { now: () => new Date(now), sleep: async () => {} };
    const error = { code: "credentials.invalid", message: "The credentials are invalid", category: "needs-person" as const, retryable: false };
    const actions: WorkflowAction[] = [{ kind: "fix-credentials", id: "credentials.invalid", title: "Invalid credentials", problem: "The credentials are invalid.", steps: ["Open the credentials.", "Update them."] }];
    const run = { id: "run-1", origin: { jobName: "customers", destination: "amazon-s3" }, status: "failed", attempt: 1, createdAt: "", updatedAt: "", tasks: [], failure: { error, actions } } satisfies RunRecord;
    // The part of a Conveyor the scheduler uses: every run fails on its credentials.
    const conveyor = { send: async () => run, restart: async () => run, secrets: new SecretRegistry() };
    const jobs = { load: async () => ({ job: {} }) };
    const scheduler = new Scheduler({ stateDir: await mkdtemp(join(tmpdir(), "conveyor-webhook-")), jobs, conveyor, clock, channels: [{ name: "webhook", notifier }] });
    await scheduler.store.add({ job: "/jobs/customers.yaml", cron: "@hourly", disable_after: 1 }, clock.now(), "customers");
    now = Date.parse("2025-03-01T01:00:00Z");
    await scheduler.runDue();
    const bodies = received.map((r) => JSON.parse(r.body) as NotificationMessage);
    expect(bodies.map((b) => b.kind)).toEqual(["run-failed", "schedule-disabled"]);
    expect(bodies[0]).toMatchObject({
      run_id: "run-1",
      error: { code: "credentials.invalid" },
      actions: [{ kind: "fix-credentials", id: "credentials.invalid", title: "Invalid credentials", problem: "The credentials are invalid.", steps: ["Open the credentials.", "Update them."] }],
    });
    expect(bodies[1]?.actions.map((a) => [a.id, a.kind])).toEqual([["credentials.invalid", "fix-credentials"], ["schedule.re-enable", "enable-schedule"]]);
    // The payload is for any receiver: no action or message names a `conveyor` command.
    expect(received.map((r) => r.body).join("\n")).not.toMatch(/conveyor /);
    expect(received.every((r) => verifySignature(r.body, r.headers["x-conveyor-signature"] as string, SECRET))).toBe(true);
    expect((await scheduler.notifications.list()).every((n) => n.deliveries[0]?.ok)).toBe(true);
  });
});

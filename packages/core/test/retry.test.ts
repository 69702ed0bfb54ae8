import { describe, expect, it } from "vitest";
import { backoffDelay, ConnectorError, parseRetryAfter, retry } from "../src/index.js";

const transient = () => new ConnectorError({ code: "s3.transient", category: "transient", message: "SlowDown" });

describe("retry", () => {
  it("retries retryable failures with growing, jittered, capped waits", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        if (++calls < 4) throw transient();
        return "done";
      },
      { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 250, random: () => 0.999, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe("done");
    expect(waits).toEqual([99, 199, 249]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw transient(); }, { maxAttempts: 3, sleep: async () => {} })).rejects.toThrow("SlowDown");
    expect(calls).toBe(3);
  });

  it("does not retry what is not retryable", async () => {
    let calls = 0;
    const permanent = new ConnectorError({ code: "s3.access-denied", category: "needs-person", message: "AccessDenied" });
    await expect(retry(async () => { calls++; throw permanent; }, { sleep: async () => {} })).rejects.toBe(permanent);
    expect(calls).toBe(1);
  });

  it("waits what the server asked for (Retry-After) instead of its own backoff", async () => {
    const waits: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw Object.assign(transient(), { retryAfter: 7000 });
      },
      { retryAfterMs: (e) => (e as { retryAfter?: number }).retryAfter, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([7000]);
  });

  it("stops waiting when aborted", async () => {
    const controller = new AbortController();
    const pending = retry(async () => { throw transient(); }, { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled")), 20);
    await expect(pending).rejects.toThrow("cancelled");
  });

  it("computes full-jitter backoff within its cap", () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(500);
  });

  it("parses Retry-After in seconds and as an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Sat, 31 Jan 2025 00:00:10 GMT", new Date("2025-01-31T00:00:00Z"))).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

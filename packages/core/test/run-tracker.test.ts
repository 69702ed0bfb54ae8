import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConnectorError, FileRunStore, RunTracker, SecretRegistry, type Clock } from "../src/index.js";

function fakeClock(start = "2025-01-31T12:00:00Z"): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), sleep: async (ms) => void (now += ms), advance: (ms) => void (now += ms) };
}

const origin = { jobName: "customers", destination: "amazon-s3" };
const report = { objects: [{ key: "p/t.csv", size: 3, sha256: "a".repeat(64) }], rows: 2, bytes: 3 };

describe("RunTracker and RunStore", () => {
  it("persists a succeeded run with its tasks and report", async () => {
    const store = new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-state-")));
    const clock = fakeClock();
    const tracker = await RunTracker.start({ origin, store, clock });
    expect(await tracker.run("write t.csv", async () => { clock.advance(1500); return { key: "p/t.csv" }; })).toEqual({ key: "p/t.csv" });
    await tracker.succeed(report, ["a warning"]);
    const saved = await store.load(tracker.id);
    expect(saved.status).toBe("succeeded");
    expect(saved.tasks.map((t) => [t.name, t.state, t.attempts])).toEqual([["write t.csv", "succeeded", 1]]);
    expect(saved.report).toMatchObject({ rows: 2, bytes: 3, warnings: ["a warning"], durationMs: 1500, skippedRows: [] });
    expect((await store.list()).map((r) => r.id)).toEqual([tracker.id]);
  });

  it("records a failure with the error's workflow action first, then retry task and restart workflow", async () => {
    const store = new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-state-")));
    const tracker = await RunTracker.start({ origin, store });
    const action = { kind: "fix-permissions", id: "s3.access-denied", title: "Invalid permissions", problem: "d", steps: ["s"] } as const;
    const error = new ConnectorError({ code: "s3.access-denied", message: "AccessDenied", action });
    await expect(tracker.run("write t.csv", async () => { throw error; })).rejects.toBe(error);
    const run = await tracker.fail(error);
    expect(run.status).toBe("failed");
    expect(run.failure?.error.code).toBe("s3.access-denied");
    expect(run.failure?.actions.map((a) => a.id)).toEqual(["s3.access-denied", "retry-task", "restart-workflow"]);
    expect(run.tasks[0]).toMatchObject({ state: "failed", error: { code: "s3.access-denied" } });
  });

  it("replays completed tasks on the next attempt and runs the failed one again", async () => {
    const store = new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-state-")));
    const first = await RunTracker.start({ origin, store });
    await first.run("file 1", async () => "etag-1");
    await first.run("file 2", async () => { throw new Error("reset"); }).catch(() => {});
    const failed = await first.fail(new Error("reset"));

    const second = await RunTracker.start({ origin, store, previous: failed });
    const ran: string[] = [];
    expect(await second.run("file 1", async () => { ran.push("file 1"); return "new"; })).toBe("etag-1");
    expect(await second.run("file 2", async () => { ran.push("file 2"); return "etag-2"; })).toBe("etag-2");
    expect(ran).toEqual(["file 2"]);
    expect(second.id).toBe(first.id);
    const run = await second.succeed(report);
    expect(run.attempt).toBe(2);
    expect(run.failure).toBeUndefined();
    expect(run.tasks.find((t) => t.name === "file 2")?.attempts).toBe(2);
  });

  it("keeps secret values out of the persisted record", async () => {
    const dir = await mkdtemp(join(tmpdir(), "conveyor-state-"));
    const secrets = new SecretRegistry();
    secrets.add("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    const tracker = await RunTracker.start({ origin, store: new FileRunStore(dir), secrets });
    await tracker.fail(new Error("signature mismatch for wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    const text = await readFile(join(dir, "runs", `${tracker.id}.json`), "utf8");
    expect(text).not.toContain("wJalrXUtnFEMI");
    expect(text).toContain("signature mismatch for [REDACTED]");
  });

  it("finds a run by a unique id prefix and says when none matches", async () => {
    const store = new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-state-")));
    const tracker = await RunTracker.start({ origin, store });
    expect((await store.load(tracker.id.slice(0, 18))).id).toBe(tracker.id);
    await expect(store.load("nope")).rejects.toThrow(/no run "nope"/);
  });
});

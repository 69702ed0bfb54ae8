import { describe, expect, it } from "vitest";
import type { RunRecord } from "@conveyor/core";
import { acquireLock, Scheduler } from "../src/index.js";
import { ERRORS, FakeClock, jobs, ScriptedConveyor, tempDir, type SentRun } from "./helpers.js";

/** A Conveyor whose runs end only when the test says so. */
class HeldConveyor extends ScriptedConveyor {
  private releases: (() => void)[] = [];
  active = 0;
  maxActive = 0;

  protected override async answer(sent: SentRun): Promise<RunRecord> {
    this.maxActive = Math.max(this.maxActive, ++this.active);
    const run = await super.answer(sent);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.active--;
    return run;
  }

  async waitForStarts(count: number): Promise<void> {
    while (this.requests.length < count) await new Promise((r) => setTimeout(r, 5));
  }

  releaseAll(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

async function setUp(start: string) {
  const stateDir = await tempDir();
  const clock = new FakeClock(start);
  return { stateDir, clock };
}

describe("one run per schedule, shutdown and crashes", () => {
  it("runs one slot per schedule at a time: slots that come due meanwhile wait their turn; two schedules run side by side", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z");
    const conveyor = new HeldConveyor();
    const scheduler = new Scheduler({ stateDir, jobs, conveyor, clock });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    await scheduler.store.add({ job: "/jobs/b.yaml", cron: "0 * * * *" }, clock.now(), "b");
    clock.set("2025-03-01T01:00:00Z");
    await scheduler.tick();
    await conveyor.waitForStarts(2);
    clock.set("2025-03-01T03:00:00Z");
    await scheduler.tick(); // both busy: nothing more starts
    await new Promise((r) => setTimeout(r, 20));
    expect(conveyor.requests).toHaveLength(2);
    for (let n = 4; n <= 6; n += 2) {
      conveyor.releaseAll();
      await conveyor.waitForStarts(n);
    }
    conveyor.releaseAll();
    await scheduler.settled();
    expect(conveyor.maxActive).toBe(2);
    const bySchedule = (id: string) => conveyor.requests.filter((r) => r.scheduleId === id).map((r) => r.scheduledTime.toISOString().slice(11, 13));
    expect(bySchedule("a")).toEqual(["01", "02", "03"]);
    expect(bySchedule("b")).toEqual(["01", "02", "03"]);
  });

  it("on a stop request the run in progress finishes and is recorded before the loop returns", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:59:00Z");
    const conveyor = new HeldConveyor();
    const scheduler = new Scheduler({ stateDir, jobs, conveyor, clock, pollMs: 1_000 });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    clock.set("2025-03-01T01:00:00Z");
    const stop = new AbortController();
    const loop = scheduler.run(stop.signal);
    await conveyor.waitForStarts(1);
    stop.abort();
    let returned = false;
    void loop.then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(returned).toBe(false);
    conveyor.releaseAll();
    await loop;
    expect((await scheduler.store.slots("a")).map((s) => s.status)).toEqual(["succeeded"]);
  });

  it("a forced stop records the run in progress as interrupted, with a notification, and a restart does not run it again", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:59:00Z");
    const held = new HeldConveyor();
    const first = new Scheduler({ stateDir, jobs, conveyor: held, clock, pollMs: 1_000 });
    await first.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    clock.set("2025-03-01T01:00:00Z");
    const stop = new AbortController();
    const loop = first.run(stop.signal);
    await held.waitForStarts(1);
    stop.abort();
    await first.interrupt();
    await loop;
    const [slot] = await first.store.slots("a");
    expect(slot).toMatchObject({ status: "interrupted", reason: "the scheduler was stopped during the run" });
    const [note] = await first.notifications.list();
    expect(note).toMatchObject({ kind: "slot-interrupted", level: "warning", scheduled_time: "2025-03-01T01:00:00.000Z" });
    expect(note?.actions[0]).toMatchObject({ kind: "restart-workflow", id: "schedule.interrupted-run" });
    expect(note?.actions[0]?.steps.join(" ")).toContain("If it failed, restart the workflow");
    expect(JSON.stringify(note)).not.toMatch(/conveyor /);

    clock.set("2025-03-01T02:00:00Z");
    const conveyor = new ScriptedConveyor();
    await new Scheduler({ stateDir, jobs, conveyor, clock }).runDue();
    expect(conveyor.slots()).toEqual(["2025-03-01T02:00:00.000Z"]);
  });

  it("a slot claimed by a scheduler that was killed is reported as interrupted on restart, not run twice", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:30:00Z");
    const conveyor = new ScriptedConveyor();
    const scheduler = new Scheduler({ stateDir, jobs, conveyor, clock });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max
    await scheduler.store.saveSlot({ schedule_id: "a", scheduled_time: "2025-03-01T01:00:00.000Z", status: "running", pid: deadPid, started_at: "2025-03-01T01:00:00.000Z", attempts: [] });
    clock.set("2025-03-01T02:05:00Z");
    await scheduler.runDue();
    expect(conveyor.slots()).toEqual(["2025-03-01T02:00:00.000Z"]);
    const [interrupted] = await scheduler.store.slots("a");
    expect(interrupted).toMatchObject({ status: "interrupted", reason: `the scheduler (process ${deadPid}) stopped during the run` });
    expect((await scheduler.notifications.list()).map((n) => n.kind)).toEqual(["slot-interrupted"]);
  });

  it("leaves alone a slot that another live process is running (no second run, no busy loop)", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:30:00Z");
    const conveyor = new ScriptedConveyor();
    const scheduler = new Scheduler({ stateDir, jobs, conveyor, clock });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    await scheduler.store.saveSlot({ schedule_id: "a", scheduled_time: "2025-03-01T01:00:00.000Z", status: "running", pid: process.ppid, started_at: "2025-03-01T01:00:00.000Z", attempts: [] });
    clock.set("2025-03-01T01:30:00Z");
    await scheduler.runDue();
    expect(conveyor.requests).toEqual([]);
    expect(await scheduler.store.slot("a", new Date("2025-03-01T01:00:00Z"))).toMatchObject({ status: "running", pid: process.ppid });
    expect((await scheduler.store.get("a")).cursor).toBe("2025-03-01T00:30:00.000Z");
  });

  it("refuses a second scheduler on the same state directory while the first is alive, and takes over a dead one's lock", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z");
    const scheduler = new Scheduler({ stateDir, jobs, conveyor: new ScriptedConveyor(), clock });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "" }, clock.now(), "a");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${scheduler.store.dir}/scheduler.lock`, JSON.stringify({ pid: process.ppid, started_at: "2025-03-01T00:00:00Z" }));
    await expect(scheduler.runDue()).rejects.toMatchObject({ code: "scheduler.already-running", category: "needs-person" });
    await writeFile(`${scheduler.store.dir}/scheduler.lock`, JSON.stringify({ pid: 2 ** 22 + 1, started_at: "2025-03-01T00:00:00Z" }));
    const lock = await acquireLock(scheduler.store.dir, clock.now());
    await lock.release();
  });

  it("a schedule whose slots cannot be recorded reports an error event and the others still run", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:30:00Z");
    const conveyor = new ScriptedConveyor();
    const events: string[] = [];
    const scheduler = new Scheduler({ stateDir, jobs, conveyor, clock, onEvent: (e) => events.push(`${e.event} ${e.schedule_id}${e.message ? `: ${e.message}` : ""}`) });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    await scheduler.store.add({ job: "/jobs/b.yaml", cron: "0 * * * *" }, clock.now(), "b");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${scheduler.store.dir}/a`, "a file where the slot folder should be");
    clock.set("2025-03-01T01:00:00Z");
    await scheduler.runDue();
    expect(conveyor.requests.map((r) => r.scheduleId)).toEqual(["b"]);
    expect(events.find((e) => e.startsWith("error a:"))).toMatch(/error a: .*(ENOTDIR|EEXIST)/);
  });

  it("counts invalid-input and needs-person failures towards disabling, resets on success, and ignores internal errors; a failed delivery is recorded, not thrown", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z");
    const script = [ERRORS.bucket, ERRORS.credentials, undefined, ERRORS.bucket, { code: "internal", message: "boom", category: "internal" as const, retryable: false }, ERRORS.bucket];
    let i = 0;
    const conveyor = new ScriptedConveyor(() => script[i++]);
    const failing = { name: "broken-webhook", notifier: { notify: async () => { throw new Error("connect ECONNREFUSED 127.0.0.1:9"); } } };
    const scheduler = new Scheduler({ stateDir, jobs, conveyor, clock, channels: [failing] });
    await scheduler.store.add({ job: "/jobs/a.yaml", cron: "0 * * * *" }, clock.now(), "a");
    for (let hour = 1; hour <= 6; hour++) {
      clock.set(`2025-03-01T0${hour}:00:00Z`);
      await scheduler.runDue();
    }
    expect(await scheduler.store.get("a")).toMatchObject({ enabled: true, consecutive_config_failures: 2 });
    const notes = await scheduler.notifications.list();
    expect(notes.map((n) => n.kind).sort()).toEqual(["run-failed", "run-failed", "run-failed", "run-failed", "run-failed", "schedule-recovered"]);
    expect(notes[0]?.deliveries).toEqual([{ channel: "broken-webhook", at: "2025-03-01T06:00:00.000Z", ok: false, error: "connect ECONNREFUSED 127.0.0.1:9" }]);
  });
});

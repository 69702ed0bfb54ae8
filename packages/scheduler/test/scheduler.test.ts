import { invalidInput } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { Scheduler, type Channel, type JobSource, type NotificationMessage, type SchedulerOptions, type ScheduleSettings } from "../src/index.js";
import { ERRORS, FakeClock, jobs, ScriptedConveyor, tempDir } from "./helpers.js";

const JOB = "/jobs/customers.yaml";

async function setUp(start: string, schedule: Partial<ScheduleSettings> = {}, id = "customers") {
  const stateDir = await tempDir();
  const clock = new FakeClock(start);
  const scheduler = new Scheduler({ stateDir, jobs, conveyor: new ScriptedConveyor(), clock });
  await scheduler.store.add({ job: JOB, cron: "0 * * * *", ...schedule }, clock.now(), id);
  return { stateDir, clock };
}

/** A scheduler over `stateDir` whose loop runs on the fake clock until `until`. */
async function runUntil(options: Omit<SchedulerOptions, "clock"> & { clock: FakeClock }, until: string): Promise<Scheduler> {
  const scheduler = new Scheduler({ pollMs: 6 * 3_600_000, retryBackoff: { baseDelayMs: 60_000, maxDelayMs: 600_000 }, random: () => 1, ...options });
  options.clock.gate = () => scheduler.settled();
  await scheduler.run(options.clock.runUntil(until));
  return scheduler;
}

const hours = (from: string, count: number) => Array.from({ length: count }, (_, i) => new Date(Date.parse(from) + i * 3_600_000).toISOString());

class Inbox implements Channel {
  readonly name = "inbox";
  readonly received: NotificationMessage[] = [];
  readonly notifier = { notify: async (n: NotificationMessage) => void this.received.push(n) };
}

describe("the scheduler loop on a fake clock", () => {
  it("runs every hourly slot of three days exactly once, each at slot + delay with the slot as its scheduled time", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { delay: 600 });
    const startedAt: string[] = [];
    const conveyor = new ScriptedConveyor(() => void startedAt.push(clock.now().toISOString()));
    const scheduler = await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-04T00:30:00Z");
    expect(conveyor.slots()).toEqual(hours("2025-03-01T01:00:00Z", 72));
    expect(startedAt).toEqual(hours("2025-03-01T01:10:00Z", 72));
    const slots = await scheduler.store.slots("customers");
    expect(slots).toHaveLength(72);
    expect(new Set(slots.map((s) => s.status))).toEqual(new Set(["succeeded"]));
    expect(slots[0]).toMatchObject({ scheduled_time: "2025-03-01T01:00:00.000Z", attempts: [{ status: "succeeded", started_at: "2025-03-01T01:10:00.000Z" }] });
    expect(await scheduler.notifications.list()).toEqual([]);
  });

  it("a @daily schedule in America/Los_Angeles runs at local midnight across the DST change", async () => {
    const { stateDir, clock } = await setUp("2025-03-07T12:00:00Z", { cron: "@daily", timezone: "America/Los_Angeles" });
    const conveyor = new ScriptedConveyor();
    await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-11T12:00:00Z");
    expect(conveyor.slots()).toEqual(["2025-03-08T08:00:00.000Z", "2025-03-09T08:00:00.000Z", "2025-03-10T07:00:00.000Z", "2025-03-11T07:00:00.000Z"]);
  });

  it("after a restart, slots missed while stopped run once each, oldest first, and none runs twice", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z");
    const conveyor = new ScriptedConveyor();
    await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T05:30:00Z");
    clock.set("2025-03-01T09:20:00Z"); // stopped for four hours
    await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T12:30:00Z");
    clock.set("2025-03-01T12:40:00Z"); // a quick restart misses nothing
    const last = await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T14:30:00Z");
    expect(conveyor.slots()).toEqual(hours("2025-03-01T01:00:00Z", 14));
    expect((await last.store.slots("customers")).map((s) => s.status)).toEqual(Array(14).fill("succeeded"));
  });

  it("with skip_missed, slots missed while stopped are recorded as skipped, not run", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { skip_missed: true });
    const conveyor = new ScriptedConveyor();
    await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T02:30:00Z");
    clock.set("2025-03-01T05:20:00Z");
    const scheduler = await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T07:30:00Z");
    expect(conveyor.slots()).toEqual(["2025-03-01T01:00:00.000Z", "2025-03-01T02:00:00.000Z", "2025-03-01T06:00:00.000Z", "2025-03-01T07:00:00.000Z"]);
    const skipped = (await scheduler.store.slots("customers")).filter((s) => s.status === "skipped");
    expect(skipped.map((s) => s.scheduled_time)).toEqual(["2025-03-01T03:00:00.000Z", "2025-03-01T04:00:00.000Z", "2025-03-01T05:00:00.000Z"]);
    expect(skipped[0]?.reason).toContain("skip_missed");
  });

  it("retries transient failures up to the retry limit with backoff, continuing the failed run", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { retry_limit: 2 });
    const startedAt: string[] = [];
    const conveyor = new ScriptedConveyor((r) => {
      startedAt.push(clock.now().toISOString());
      return r.attempt < 3 ? ERRORS.transient : undefined;
    });
    const scheduler = await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T01:30:00Z");
    expect(conveyor.requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // The first attempt renders names for the slot; each retry restarts the run before it.
    expect(conveyor.requests[0]).toMatchObject({ scheduleId: "customers", jobPath: JOB, scheduledTime: new Date("2025-03-01T01:00:00Z") });
    expect(conveyor.requests[1]?.previous?.failure?.error.code).toBe("s3.slow-down");
    expect(conveyor.requests[2]?.previous?.attempt).toBe(2);
    // random() = 1 takes the full backoff: 60 s, then 120 s.
    expect(startedAt).toEqual(["2025-03-01T01:00:00.000Z", "2025-03-01T01:01:00.000Z", "2025-03-01T01:03:00.000Z"]);
    const [slot] = await scheduler.store.slots("customers");
    expect(slot).toMatchObject({ status: "succeeded", attempts: [{ status: "failed", error: { category: "transient" } }, { status: "failed", error: { category: "transient" } }, { status: "succeeded" }] });
    expect(await scheduler.notifications.list()).toEqual([]);
  });

  it("a transient failure beyond the retry limit notifies but does not count towards disabling", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { retry_limit: 1, disable_after: 1 });
    const conveyor = new ScriptedConveyor(() => ERRORS.transient);
    const scheduler = await runUntil({ stateDir, jobs, conveyor, clock }, "2025-03-01T03:30:00Z");
    expect(conveyor.requests).toHaveLength(6);
    const notes = await scheduler.notifications.list();
    expect(notes.map((n) => n.kind)).toEqual(["run-failed", "run-failed", "run-failed"]);
    expect(notes[0]).toMatchObject({ level: "error", error: { code: "s3.slow-down", category: "transient" } });
    expect(notes[0]?.message).toContain("2 attempts");
    expect((await scheduler.store.get("customers")).enabled).toBe(true);
  });

  it("configuration failures notify each time; the third disables the schedule saying why and how to re-enable it; enabling and a fixed job recover it", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { cron: "@daily", retry_limit: 5 });
    let broken = true;
    const conveyor = new ScriptedConveyor(() => (broken ? ERRORS.credentials : undefined));
    const inbox = new Inbox();
    const scheduler = await runUntil({ stateDir, jobs, conveyor, clock, channels: [inbox] }, "2025-03-10T00:30:00Z");
    // A failure a person must fix is not retried, and nothing runs once the schedule is disabled.
    expect(conveyor.slots()).toEqual(["2025-03-02T00:00:00.000Z", "2025-03-03T00:00:00.000Z", "2025-03-04T00:00:00.000Z"]);
    const notes = [...(await scheduler.notifications.list())].reverse();
    expect(notes.map((n) => [n.kind, n.level])).toEqual([["run-failed", "error"], ["run-failed", "error"], ["run-failed", "error"], ["schedule-disabled", "error"]]);
    const first = notes[0]!;
    expect(first).toMatchObject({
      title: "Scheduled run of customers failed: credentials.invalid",
      error: { code: "credentials.invalid", message: "The credentials are invalid", category: "needs-person" },
      schedule_id: "customers",
      scheduled_time: "2025-03-02T00:00:00.000Z",
      actions: [{ kind: "fix-credentials", id: "credentials.invalid", steps: ["First step for credentials.invalid.", "Second step for credentials.invalid."] }],
    });
    expect(first.run_id).toMatch(/^run-/);
    expect(first).not.toHaveProperty("view");
    expect(first.message).toContain("configuration failure 1 of 3");
    const disabled = notes[3]!;
    expect(disabled.title).toBe("Schedule customers disabled after 3 consecutive configuration failures");
    expect(disabled.message).toContain("Fix the cause, then enable the schedule again.");
    expect(disabled.actions.map((a) => [a.id, a.kind])).toEqual([["credentials.invalid", "fix-credentials"], ["schedule.re-enable", "enable-schedule"]]);
    expect(disabled.actions[1]?.steps).toContain("Enable schedule customers again; slots from then on run again.");
    // Hosts add their own commands: nothing the scheduler raises names one.
    expect(JSON.stringify(notes)).not.toMatch(/conveyor /);
    expect(inbox.received.map((n) => n.kind)).toEqual(notes.map((n) => n.kind));
    expect(notes.every((n) => n.deliveries.length === 1 && n.deliveries[0]?.ok)).toBe(true);
    const schedule = await scheduler.store.get("customers");
    expect(schedule).toMatchObject({ enabled: false, consecutive_config_failures: 3 });
    expect(schedule.disabled_reason).toContain("credentials.invalid");

    // A person fixes the credentials and re-enables: slots passed while disabled are not run.
    broken = false;
    await scheduler.store.setEnabled("customers", true, clock.now());
    const again = await runUntil({ stateDir, jobs, conveyor, clock, channels: [inbox] }, "2025-03-12T00:30:00Z");
    expect(conveyor.slots().slice(3)).toEqual(["2025-03-11T00:00:00.000Z", "2025-03-12T00:00:00.000Z"]);
    const recovered = (await again.notifications.list()).filter((n) => n.kind === "schedule-recovered");
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ level: "info", title: "Schedule customers recovered", scheduled_time: "2025-03-11T00:00:00.000Z" });
    expect(await again.store.get("customers")).toMatchObject({ enabled: true, consecutive_config_failures: 0, last_status: "succeeded" });
  });
});

describe("jobs that cannot start, and secrets", () => {
  it("a job that cannot be read fails its slot with the error's category and a fix-job action, and counts towards disabling", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { cron: "@daily", disable_after: 1 });
    const conveyor = new ScriptedConveyor();
    const unreadable: JobSource = { load: async () => { throw invalidInput("job.unreadable", `cannot read job file ${JOB}: ENOENT`); } };
    const scheduler = await runUntil({ stateDir, jobs: unreadable, conveyor, clock }, "2025-03-03T00:30:00Z");
    expect(conveyor.requests).toEqual([]);
    const [slot] = await scheduler.store.slots("customers");
    expect(slot).toMatchObject({ status: "failed", attempts: [{ status: "failed", error: { code: "job.unreadable", category: "invalid-input" } }] });
    expect(slot?.attempts[0]).not.toHaveProperty("run_id");
    const [disabled, failed] = await scheduler.notifications.list();
    expect(failed).toMatchObject({ kind: "run-failed", error: { code: "job.unreadable", category: "invalid-input" } });
    expect(failed?.actions.map((a) => a.id)).toEqual(["fix-job"]);
    expect(disabled?.kind).toBe("schedule-disabled");
  });

  it("scrubs the Conveyor's secrets from slot records, notifications, deliveries and events, with a Conveyor chosen per schedule", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { cron: "@daily" });
    const secret = "s3cr3t-t0ken-value";
    const leaky = { ...ERRORS.credentials, message: `The credentials ${secret} are invalid` };
    const conveyor = new ScriptedConveyor(() => leaky);
    conveyor.secrets.add(secret);
    const chosen: string[] = [];
    const inbox = new Inbox();
    const hook = { name: "hook", notifier: { notify: async () => { throw new Error(`POST https://hooks.example.com/${secret} failed`); } } };
    const events: unknown[] = [];
    const scheduler = await runUntil(
      { stateDir, jobs, conveyor: async (s) => (chosen.push(s.id), conveyor), clock, channels: [inbox, hook], onEvent: (e) => events.push(e) },
      "2025-03-02T00:30:00Z",
    );
    expect(chosen).toContain("customers");
    const notes = await scheduler.notifications.list();
    expect(notes.map((n) => n.kind)).toEqual(["run-failed"]);
    expect(notes[0]?.message).toContain("The credentials [REDACTED] are invalid");
    expect(notes[0]?.deliveries.find((d) => d.channel === "hook")).toMatchObject({ ok: false, error: "POST https://hooks.example.com/[REDACTED] failed" });
    const kept = JSON.stringify([notes, inbox.received, await scheduler.store.slots("customers"), events]);
    expect(kept).toContain("[REDACTED]");
    expect(kept).not.toContain(secret);
  });
});

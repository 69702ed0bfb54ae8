import { describe, expect, it } from "vitest";
import { Scheduler, type Channel, type NotificationMessage, type SchedulerOptions, type ScheduleSettings } from "../src/index.js";
import { ERRORS, FakeClock, ScriptedRunner, tempDir } from "./helpers.js";

const JOB = "/jobs/customers.yaml";

async function setUp(start: string, schedule: Partial<ScheduleSettings> = {}, id = "customers") {
  const stateDir = await tempDir();
  const clock = new FakeClock(start);
  const scheduler = new Scheduler({ stateDir, runner: new ScriptedRunner(), clock });
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
    const runner = new ScriptedRunner(() => void startedAt.push(clock.now().toISOString()));
    const scheduler = await runUntil({ stateDir, runner, clock }, "2025-03-04T00:30:00Z");
    expect(runner.slots()).toEqual(hours("2025-03-01T01:00:00Z", 72));
    expect(startedAt).toEqual(hours("2025-03-01T01:10:00Z", 72));
    const slots = await scheduler.store.slots("customers");
    expect(slots).toHaveLength(72);
    expect(new Set(slots.map((s) => s.status))).toEqual(new Set(["succeeded"]));
    expect(slots[0]).toMatchObject({ scheduled_time: "2025-03-01T01:00:00.000Z", attempts: [{ exit_code: 0, started_at: "2025-03-01T01:10:00.000Z" }] });
    expect(await scheduler.notifications.list()).toEqual([]);
  });

  it("a @daily schedule in America/Los_Angeles runs at local midnight across the DST change", async () => {
    const { stateDir, clock } = await setUp("2025-03-07T12:00:00Z", { cron: "@daily", timezone: "America/Los_Angeles" });
    const runner = new ScriptedRunner();
    await runUntil({ stateDir, runner, clock }, "2025-03-11T12:00:00Z");
    expect(runner.slots()).toEqual(["2025-03-08T08:00:00.000Z", "2025-03-09T08:00:00.000Z", "2025-03-10T07:00:00.000Z", "2025-03-11T07:00:00.000Z"]);
  });

  it("after a restart, slots missed while stopped run once each, oldest first, and none runs twice", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z");
    const runner = new ScriptedRunner();
    await runUntil({ stateDir, runner, clock }, "2025-03-01T05:30:00Z");
    clock.set("2025-03-01T09:20:00Z"); // stopped for four hours
    await runUntil({ stateDir, runner, clock }, "2025-03-01T12:30:00Z");
    clock.set("2025-03-01T12:40:00Z"); // a quick restart misses nothing
    const last = await runUntil({ stateDir, runner, clock }, "2025-03-01T14:30:00Z");
    expect(runner.slots()).toEqual(hours("2025-03-01T01:00:00Z", 14));
    expect((await last.store.slots("customers")).map((s) => s.status)).toEqual(Array(14).fill("succeeded"));
  });

  it("with skip_missed, slots missed while stopped are recorded as skipped, not run", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { skip_missed: true });
    const runner = new ScriptedRunner();
    await runUntil({ stateDir, runner, clock }, "2025-03-01T02:30:00Z");
    clock.set("2025-03-01T05:20:00Z");
    const scheduler = await runUntil({ stateDir, runner, clock }, "2025-03-01T07:30:00Z");
    expect(runner.slots()).toEqual(["2025-03-01T01:00:00.000Z", "2025-03-01T02:00:00.000Z", "2025-03-01T06:00:00.000Z", "2025-03-01T07:00:00.000Z"]);
    const skipped = (await scheduler.store.slots("customers")).filter((s) => s.status === "skipped");
    expect(skipped.map((s) => s.scheduled_time)).toEqual(["2025-03-01T03:00:00.000Z", "2025-03-01T04:00:00.000Z", "2025-03-01T05:00:00.000Z"]);
    expect(skipped[0]?.reason).toContain("skip_missed");
  });

  it("retries transient failures (exit 4) up to the retry limit with backoff, continuing the failed run", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { retry_limit: 2 });
    const startedAt: string[] = [];
    const runner = new ScriptedRunner((r) => {
      startedAt.push(clock.now().toISOString());
      return r.attempt < 3 ? ERRORS.transient : undefined;
    });
    const scheduler = await runUntil({ stateDir, runner, clock }, "2025-03-01T01:30:00Z");
    expect(runner.requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(runner.requests[1]?.previous?.failure?.error.code).toBe("s3.slow-down");
    // random() = 1 takes the full backoff: 60 s, then 120 s.
    expect(startedAt).toEqual(["2025-03-01T01:00:00.000Z", "2025-03-01T01:01:00.000Z", "2025-03-01T01:03:00.000Z"]);
    const [slot] = await scheduler.store.slots("customers");
    expect(slot).toMatchObject({ status: "succeeded", attempts: [{ exit_code: 4 }, { exit_code: 4 }, { exit_code: 0 }] });
    expect(await scheduler.notifications.list()).toEqual([]);
  });

  it("a transient failure beyond the retry limit notifies but does not count towards disabling", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { retry_limit: 1, disable_after: 1 });
    const runner = new ScriptedRunner(() => ERRORS.transient);
    const scheduler = await runUntil({ stateDir, runner, clock }, "2025-03-01T03:30:00Z");
    expect(runner.requests).toHaveLength(6);
    const notes = await scheduler.notifications.list();
    expect(notes.map((n) => n.kind)).toEqual(["run-failed", "run-failed", "run-failed"]);
    expect(notes[0]).toMatchObject({ level: "error", exit_code: 4, error: { code: "s3.slow-down" } });
    expect(notes[0]?.message).toContain("2 attempts");
    expect((await scheduler.store.get("customers")).enabled).toBe(true);
  });

  it("configuration failures notify each time; the third disables the schedule saying why and how to re-enable it; enabling and a fixed job recover it", async () => {
    const { stateDir, clock } = await setUp("2025-03-01T00:00:00Z", { cron: "@daily", retry_limit: 5 });
    let broken = true;
    const runner = new ScriptedRunner(() => (broken ? ERRORS.credentials : undefined));
    const inbox = new Inbox();
    const scheduler = await runUntil({ stateDir, runner, clock, channels: [inbox] }, "2025-03-10T00:30:00Z");
    // Exit 3 is not retried, and nothing runs once the schedule is disabled.
    expect(runner.slots()).toEqual(["2025-03-02T00:00:00.000Z", "2025-03-03T00:00:00.000Z", "2025-03-04T00:00:00.000Z"]);
    const notes = [...(await scheduler.notifications.list())].reverse();
    expect(notes.map((n) => [n.kind, n.level])).toEqual([["run-failed", "error"], ["run-failed", "error"], ["run-failed", "error"], ["schedule-disabled", "error"]]);
    const first = notes[0]!;
    expect(first).toMatchObject({
      title: "Scheduled run of customers failed: credentials.invalid",
      error: { code: "credentials.invalid", message: "The credentials are invalid", category: "needs-person" },
      exit_code: 3,
      schedule_id: "customers",
      scheduled_time: "2025-03-02T00:00:00.000Z",
      view: `conveyor runs show ${first.run_id}`,
      actions: [{ id: "credentials.invalid", steps: ["First step for credentials.invalid.", "Second step for credentials.invalid."] }],
    });
    expect(first.run_id).toMatch(/^run-/);
    expect(first.message).toContain("configuration failure 1 of 3");
    const disabled = notes[3]!;
    expect(disabled.title).toBe("Schedule customers disabled after 3 consecutive configuration failures");
    expect(disabled.message).toContain("re-enable it with `conveyor schedule enable customers`");
    expect(disabled.actions.map((a) => a.id)).toEqual(["credentials.invalid", "schedule.re-enable"]);
    expect(disabled.actions[1]?.steps).toContain("Run `conveyor schedule enable customers`; slots from then on run again.");
    expect(inbox.received.map((n) => n.kind)).toEqual(notes.map((n) => n.kind));
    expect(notes.every((n) => n.deliveries.length === 1 && n.deliveries[0]?.ok)).toBe(true);
    const schedule = await scheduler.store.get("customers");
    expect(schedule).toMatchObject({ enabled: false, consecutive_config_failures: 3 });
    expect(schedule.disabled_reason).toContain("credentials.invalid");

    // A person fixes the credentials and re-enables: slots passed while disabled are not run.
    broken = false;
    await scheduler.store.setEnabled("customers", true, clock.now());
    const again = await runUntil({ stateDir, runner, clock, channels: [inbox] }, "2025-03-12T00:30:00Z");
    expect(runner.slots().slice(3)).toEqual(["2025-03-11T00:00:00.000Z", "2025-03-12T00:00:00.000Z"]);
    const recovered = (await again.notifications.list()).filter((n) => n.kind === "schedule-recovered");
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ level: "info", title: "Schedule customers recovered", scheduled_time: "2025-03-11T00:00:00.000Z" });
    expect(await again.store.get("customers")).toMatchObject({ enabled: true, consecutive_config_failures: 0, last_status: "succeeded" });
  });
});

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NotificationStore, scaledClock, ScheduleStore, nextRun, type StoredNotification } from "../src/index.js";
import { tempDir } from "./helpers.js";

const NOW = new Date("2025-03-01T00:00:00Z");

describe("ScheduleStore", () => {
  it("stores a schedule with its defaults as JSON under <state-dir>/schedules, leaving no partial files", async () => {
    const stateDir = await tempDir();
    const store = new ScheduleStore(stateDir);
    const schedule = await store.add({ job: "/jobs/Daily Customers.yaml", cron: "@daily" }, NOW);
    expect(schedule.id).toMatch(/^daily-customers-[a-z0-9]{4}$/);
    expect(schedule).toMatchObject({ timezone: "UTC", delay: 0, retry_limit: 0, cron_mode: "standard", disable_after: 3, skip_missed: false, enabled: true, cursor: NOW.toISOString() });
    expect(JSON.parse(await readFile(join(stateDir, "schedules", `${schedule.id}.json`), "utf8"))).toEqual(schedule);
    expect(await readdir(join(stateDir, "schedules"))).toEqual([`${schedule.id}.json`]);
  });

  it("refuses bad settings naming each field and what it allows", async () => {
    const store = new ScheduleStore(await tempDir());
    const refusal = (raw: Record<string, unknown>) => store.add({ job: "/j.yaml", cron: "@daily", ...raw }, NOW).then(() => "accepted", (e: Error & { code: string; category: string }) => `${e.category} ${e.code}: ${e.message}`);
    expect(await refusal({ delay: -5 })).toBe("invalid-input schedule.invalid: schedule settings are invalid:\ndelay: must be at least 0");
    expect(await refusal({ retry_limit: 33 })).toContain("retry_limit: must be at most 32");
    expect(await refusal({ cron_mode: "quartz" })).toContain('cron_mode: must be one of "standard", "td"');
    expect(await refusal({ timezone: "PST8PDT-ish" })).toContain('timezone: "PST8PDT-ish" is not an IANA time zone');
    expect(await refusal({ cron: "0 0 1 * * *" })).toContain('cron: "0 0 1 * * *" is not a valid cron expression (found 6 fields)');
    expect(await refusal({ every: "day" })).toContain('schedule: unknown setting "every"');
  });

  it("gets, disables, enables (from now on, failure count reset) and removes; unknown ids name the ones there are", async () => {
    const store = new ScheduleStore(await tempDir());
    await store.add({ job: "/j.yaml", cron: "0 * * * *" }, NOW, "hourly");
    await expect(store.get("nope")).rejects.toThrow('no schedule "nope"; there are: hourly');
    await store.update("hourly", (s) => void (s.consecutive_config_failures = 2), NOW);
    expect(await store.setEnabled("hourly", false, NOW)).toMatchObject({ enabled: false, disabled_reason: "disabled by an operator" });
    const later = new Date("2025-03-05T10:30:00Z");
    const enabled = await store.setEnabled("hourly", true, later);
    expect(enabled).toMatchObject({ enabled: true, consecutive_config_failures: 0, cursor: later.toISOString() });
    expect(enabled.disabled_reason).toBeUndefined();
    expect(nextRun(enabled, later)?.slot.toISOString()).toBe("2025-03-05T11:00:00.000Z");
    await store.remove("hourly");
    expect(await store.list()).toEqual([]);
    await expect(store.add({ job: "/j.yaml", cron: "" }, NOW, "Bad Id")).rejects.toThrow('id: "Bad Id" must be 1-64 lowercase letters');
  });

  it("the next run of a delayed schedule is its slot plus the delay", async () => {
    const store = new ScheduleStore(await tempDir());
    const schedule = await store.add({ job: "/j.yaml", cron: "@hourly", delay: 900 }, NOW, "delayed");
    expect(nextRun(schedule, new Date("2025-03-01T01:05:00Z"))).toEqual({ slot: new Date("2025-03-01T01:00:00Z"), startsAt: new Date("2025-03-01T01:15:00Z") });
  });
});

describe("NotificationStore", () => {
  const note = (id: string): StoredNotification => ({ id, kind: "run-failed", level: "error", title: id, message: "", created_at: NOW.toISOString(), schedule_id: "s", job: "/j.yaml", actions: [], read: false, deliveries: [] });

  it("lists newest first, filters unread, and marks some or all read", async () => {
    const store = new NotificationStore(await tempDir());
    for (const id of ["20250301T000000000-0001", "20250301T000000000-0002", "20250301T000000000-0003"]) await store.save(note(id));
    expect((await store.list()).map((n) => n.id.slice(-1))).toEqual(["3", "2", "1"]);
    expect(await store.markRead(["20250301T000000000-0002"])).toBe(1);
    expect((await store.list({ unread: true })).map((n) => n.id.slice(-1))).toEqual(["3", "1"]);
    expect(await store.markRead()).toBe(2);
    expect(await store.list({ unread: true })).toEqual([]);
    await expect(store.markRead(["missing"])).rejects.toThrow('no notification "missing"');
  });
});

describe("the CONVEYOR_SCHEDULER_CLOCK test hook", () => {
  it("starts at the given time and runs faster by the given speed, from a shared real anchor", () => {
    let real = Date.parse("2030-01-01T00:00:10Z");
    const clock = scaledClock("2025-01-01T00:00:00Z,60,2030-01-01T00:00:00Z", () => real);
    expect(clock.now().toISOString()).toBe("2025-01-01T00:10:00.000Z");
    real += 1_000;
    expect(clock.now().toISOString()).toBe("2025-01-01T00:11:00.000Z");
  });

  it("refuses a malformed value, saying what it must be", () => {
    expect(() => scaledClock("yesterday,fast")).toThrow('CONVEYOR_SCHEDULER_CLOCK: "yesterday,fast" must be <start ISO time>,<speed > 0>');
  });
});

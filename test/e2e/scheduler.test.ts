import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { emulatorAdminClient, listObjects, type EmulatorsInfo } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conveyor, finished, firstLine, start, workspace } from "../src/cli-process.js";

/**
 * `conveyor scheduler` as a process against `conveyor emulators`, with a one-minute cron on the
 * CONVEYOR_SCHEDULER_CLOCK test hook: scheduler time runs 20 times faster (a slot every 3 s)
 * from an anchor both scheduler processes share, so time passes while the scheduler is stopped.
 */
const SPEED = 20;
const START = "2030-01-01T00:00:00.000Z";
const MINUTE = 60_000;

let cwd: string;
let emulators: ReturnType<typeof start>;
let info: EmulatorsInfo;
let admin: S3Client;

beforeAll(async () => {
  cwd = await workspace({ "customers.csv": "id,email\n1,ada@example.com\n2,alan@example.com\n3,grace@example.com\n" });
  emulators = start(["emulators", "--json", "--write-config", "conveyor.config.yaml"], { cwd });
  info = JSON.parse(await firstLine(emulators)) as EmulatorsInfo;
  admin = emulatorAdminClient(info);
});

afterAll(async () => {
  emulators?.kill("SIGTERM");
  if (emulators) await finished(emulators);
});

interface Event {
  at: string;
  event: string;
  schedule_id: string;
  scheduled_time: string;
  status?: string;
  run_id?: string;
}

const events = (stdout: string): Event[] => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Event);

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("conveyor scheduler against conveyor emulators", () => {
  it("runs a one-minute cron slot by slot across a stop and a restart: one export per slot, none twice, the missed slot caught up", async () => {
    const job = {
      name: "customers",
      input: { path: "./customers.csv" },
      credential: { plugin: "iam-role-to-role", settings: { target_role_arn: info.customer_role_arn, bucket: info.bucket } },
      destination: { plugin: "amazon-s3", settings: { prefix: "scheduled", format: "csv" } },
      // Real time to the millisecond: a slot run twice would leave a second object, not overwrite the first.
      template: { file_name: "customers_{{ now|format:'yyyyMMdd_HHmmss_SSS' }}" },
    };
    await writeFile(join(cwd, "export.json"), JSON.stringify(job));
    const anchor = new Date().toISOString();
    const env = { CONVEYOR_SCHEDULER_CLOCK: `${START},${SPEED},${anchor}` };
    const added = await conveyor(["schedule", "add", "export.json", "--cron", "* * * * *", "--id", "every-minute"], { cwd, env });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);

    // First scheduler: two slots, then SIGTERM, which lets a run in progress finish.
    const first = start(["scheduler", "--json"], { cwd, env });
    await until(() => events(first.output.stdout).filter((e) => e.event === "slot-finished").length >= 2, 60_000, "two slots");
    first.kill("SIGTERM");
    const firstEnd = await finished(first);
    expect(firstEnd.stderr).not.toMatch(/error/i);
    expect(firstEnd.code).toBe(0);
    const firstEvents = events(firstEnd.stdout);
    expect(firstEvents.filter((e) => e.event === "slot-started").length).toBe(firstEvents.filter((e) => e.event === "slot-finished").length);

    // Stopped for about two slots; the restarted scheduler runs the missed ones once, then goes on.
    await new Promise((r) => setTimeout(r, (2.2 * MINUTE) / SPEED));
    const second = start(["scheduler", "--json"], { cwd, env });
    await until(() => events(second.output.stdout).filter((e) => e.event === "slot-finished").length >= 4, 60_000, "four more slots");
    second.kill("SIGTERM");
    const secondEnd = await finished(second);
    expect(secondEnd.code).toBe(0);

    // The restart's first slot came due while no scheduler was running: it ran late, once.
    const caughtUp = events(secondEnd.stdout).find((e) => e.event === "slot-started")!;
    expect(Date.parse(caughtUp.at) - Date.parse(caughtUp.scheduled_time)).toBeGreaterThan(MINUTE / 2);
    const all = [...firstEvents, ...events(secondEnd.stdout)];
    const finishedSlots = all.filter((e) => e.event === "slot-finished");
    expect(finishedSlots.every((e) => e.status === "succeeded")).toBe(true);
    const times = finishedSlots.map((e) => Date.parse(e.scheduled_time));
    // Every minute from the first slot after the schedule was added, in order, none missing and none twice.
    expect(times[0]! - Date.parse(START)).toBeLessThanOrEqual(3 * MINUTE);
    expect(times).toEqual(times.map((_, i) => times[0]! + i * MINUTE));
    expect(all.filter((e) => e.event === "slot-started")).toHaveLength(finishedSlots.length);

    const shown = await conveyor(["schedule", "show", "every-minute", "--json"], { cwd, env });
    const slots = (JSON.parse(shown.stdout) as { slots: { scheduled_time: string; status: string; attempts: { run_id: string }[] }[] }).slots;
    expect(slots.map((s) => s.status)).toEqual(finishedSlots.map(() => "succeeded"));
    const runIds = slots.map((s) => s.attempts[0]!.run_id);
    expect(new Set(runIds).size).toBe(slots.length);

    const keys = (await listObjects(admin, info.bucket, "scheduled/")).map((o) => o.key).filter((k) => k.endsWith(".csv"));
    expect(keys).toHaveLength(slots.length);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

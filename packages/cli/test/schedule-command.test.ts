import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FileRunStore } from "@conveyor/core";
import type { Schedule, StoredNotification } from "@conveyor/scheduler";
import { describe, expect, it } from "vitest";
import { conveyor as run, EXAMPLE_PLUGIN, workspace } from "./run-cli.js";

const WEBHOOK_PLUGIN = join(dirname(fileURLToPath(import.meta.url)), "../../../plugins/notifier-webhook");

/** `conveyor <args>` in-process, with the example destination and the webhook notifier loaded by path. */
const conveyor = (args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  run(["--plugin", EXAMPLE_PLUGIN, "--plugin", WEBHOOK_PLUGIN, ...args], options);

const CSV = "id,email\n1,ada@example.com\n2,alan@example.com\n";
/** The local-directory destination resolves its folder against the process, so it is absolute. */
const job = (cwd: string) => `name: customers
input: { path: ./customers.csv }
destination:
  plugin: local-directory
  settings: { directory: "${join(cwd, "out")}" }
template: { file_name: "customers_{{ now|format:'yyyyMMdd_HHmmss_SSS' }}" }
`;

/** The scheduler's clock, fixed at `iso` (the test hook, at speed 1 from a far-future anchor is not needed: one instant is enough). */
const at = (iso: string) => ({ CONVEYOR_SCHEDULER_CLOCK: `${iso},1` });

describe("conveyor schedule next", () => {
  it("prints upcoming times so a person can check an expression (td mode: '0 0 1 * 1' is every Monday)", async () => {
    const cwd = await workspace({});
    const td = await conveyor(["schedule", "next", "0 0 1 * 1", "--cron-mode", "td", "--from", "2025-09-30T00:00:00Z", "--count", "3", "--json"], { cwd });
    expect(td.code).toBe(0);
    expect(JSON.parse(td.stdout).times).toEqual(["2025-10-06T00:00:00.000Z", "2025-10-13T00:00:00.000Z", "2025-10-20T00:00:00.000Z"]);
    const standard = await conveyor(["schedule", "next", "0 0 1 * 1", "--from", "2025-09-30T00:00:00Z", "--count", "2", "--json"], { cwd });
    expect(JSON.parse(standard.stdout).times).toEqual(["2025-10-01T00:00:00.000Z", "2025-10-06T00:00:00.000Z"]);
  });

  it("shows local wall time in the time zone", async () => {
    const result = await conveyor(["schedule", "next", "@daily", "--timezone", "America/Los_Angeles", "--from", "2025-03-08T12:00:00Z", "--count", "2"], { cwd: await workspace({}) });
    expect(result.stdout).toBe("2025-03-09T08:00:00.000Z  Sun 2025-03-09 00:00 America/Los_Angeles\n2025-03-10T07:00:00.000Z  Mon 2025-03-10 00:00 America/Los_Angeles\n");
  });

  it("refuses a bad expression, time zone or count with exit 2, naming it and what is allowed", async () => {
    const cwd = await workspace({});
    const cron = await conveyor(["schedule", "next", "0 0 32 * *"], { cwd });
    expect(cron.code).toBe(2);
    expect(cron.stderr).toContain('error [schedule.invalid-cron]: cron: "0 0 32 * *" is not a valid cron expression');
    expect(cron.stderr).toContain("allowed: five fields separated by single spaces");
    expect((await conveyor(["schedule", "next", "@daily", "--timezone", "Moon/Base"], { cwd })).stderr).toContain('--timezone: "Moon/Base" is not an IANA time zone');
    expect((await conveyor(["schedule", "next", "@daily", "--count", "lots"], { cwd })).stderr).toContain('--count: "lots" must be a whole number from 1 to 1000');
    expect((await conveyor(["schedule", "next", ""], { cwd })).stdout).toBe("never: this expression has no scheduled run time\n");
  });
});

describe("conveyor schedule add, list, disable, enable, remove", () => {
  it("adds a validated job with its settings and lists it with its next run", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "job.yaml"), job(cwd));
    const env = at("2025-03-01T00:10:00Z");
    const added = await conveyor(["schedule", "add", "job.yaml", "--cron", "0 * * * *", "--timezone", "America/Los_Angeles", "--delay", "120", "--retry-limit", "2", "--cron-mode", "td", "--disable-after", "5", "--skip-missed", "--id", "hourly"], { cwd, env });
    expect(added.stderr).toBe("");
    expect(added.stdout).toBe("added schedule hourly: 0 * * * * America/Los_Angeles, td mode, delay 120s, retry 2, skip missed; next run 2025-03-01T01:02:00.000Z\n");
    const listed = JSON.parse((await conveyor(["schedule", "list", "--json"], { cwd, env })).stdout) as { schedules: (Schedule & { next_run: string })[] };
    expect(listed.schedules).toEqual([
      expect.objectContaining({ id: "hourly", job: join(cwd, "job.yaml"), cron: "0 * * * *", timezone: "America/Los_Angeles", delay: 120, retry_limit: 2, cron_mode: "td", disable_after: 5, skip_missed: true, enabled: true, next_run: "2025-03-01T01:02:00.000Z" }),
    ]);
    expect((await conveyor(["schedule", "disable", "hourly"], { cwd, env })).stdout).toBe("schedule hourly disabled\n");
    expect((await conveyor(["schedule"], { cwd, env })).stdout).toMatch(/hourly\s+disabled \(disabled by an operator\)\s+0 \* \* \* \* America\/Los_Angeles.*\s+-\s+\//);
    expect((await conveyor(["schedule", "enable", "hourly"], { cwd, env: at("2025-03-01T05:30:00Z") })).stdout).toBe("schedule hourly enabled; next run 2025-03-01T06:02:00.000Z\n");
    expect((await conveyor(["schedule", "remove", "hourly"], { cwd, env })).stdout).toBe("schedule hourly removed\n");
    const gone = await conveyor(["schedule", "remove", "hourly"], { cwd, env });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no schedule "hourly"; there are none');
  });

  it("refuses bad settings and an invalid job with exit 2, naming the field", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "job.yaml"), job(cwd));
    await writeFile(join(cwd, "bad.yaml"), job(cwd).replace("plugin: local-directory", "plugin: amazon-s4"));
    const refused = async (args: string[]) => (await conveyor(["schedule", "add", ...args], { cwd })).stderr;
    expect(await refused(["job.yaml", "--cron", "@daily", "--delay", "soon"])).toContain("delay: ");
    expect(await refused(["job.yaml", "--cron", "@daily", "--retry-limit", "40"])).toContain("retry_limit: must be at most 32");
    expect(await refused(["job.yaml", "--cron", "@weekly"])).toContain('cron: "@weekly" is not a valid cron expression (unknown shortcut @weekly)');
    expect(await refused(["job.yaml", "--cron", "@daily", "--timezone", "Europe/Atlantis"])).toContain('timezone: "Europe/Atlantis" is not an IANA time zone');
    expect(await refused(["bad.yaml", "--cron", "@daily"])).toContain('destination.plugin: unknown destination plugin "amazon-s4"');
    expect((await conveyor(["schedule", "list"], { cwd })).stdout).toBe("no schedules yet (add one with `conveyor schedule add <job> --cron …`)\n");
  });
});

describe("conveyor scheduler and notifications", () => {
  it("--once runs each due slot once through the runtime, as `conveyor run` would, and never twice", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "job.yaml"), job(cwd));
    await conveyor(["schedule", "add", "job.yaml", "--cron", "0 * * * *", "--id", "hourly"], { cwd, env: at("2025-03-01T00:10:00Z") });
    const first = await conveyor(["scheduler", "--once"], { cwd, env: at("2025-03-01T02:05:00Z") });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^slot-started hourly slot 2025-03-01T01:00:00.000Z\nslot-finished hourly slot 2025-03-01T01:00:00.000Z: succeeded, exit 0, run \S+\nslot-started hourly slot 2025-03-01T02:00:00.000Z\n/);
    expect((await conveyor(["scheduler", "--once", "--json"], { cwd, env: at("2025-03-01T02:50:00Z") })).stdout).toBe("");
    expect(await readdir(join(cwd, "out"))).toHaveLength(2);
    const runs = await new FileRunStore(join(cwd, ".conveyor")).list();
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    const shown = JSON.parse((await conveyor(["schedule", "show", "hourly", "--json"], { cwd })).stdout) as { slots: { status: string; attempts: { run_id: string }[] }[] };
    expect(shown.slots.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    expect(shown.slots.map((s) => s.attempts[0]?.run_id).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it("a job in another folder than the working directory reads its input beside its job file, as `conveyor run` does", async () => {
    const cwd = await workspace({});
    const elsewhere = await workspace({ "customers.csv": CSV });
    await writeFile(join(elsewhere, "job.yaml"), job(elsewhere));
    await conveyor(["schedule", "add", join(elsewhere, "job.yaml"), "--cron", "0 * * * *", "--id", "elsewhere"], { cwd, env: at("2025-03-01T00:10:00Z") });
    const result = await conveyor(["scheduler", "--once"], { cwd, env: at("2025-03-01T01:05:00Z") });
    expect(result.stdout).toContain("slot-finished elsewhere slot 2025-03-01T01:00:00.000Z: succeeded, exit 0");
    expect(await readdir(join(elsewhere, "out"))).toHaveLength(1);
  });

  it("configuration failures raise notifications (delivered to a signed webhook), then disable the schedule; notifications are listed, shown and marked read", async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    const cwd = await workspace({ "customers.csv": CSV, "channels.yaml": `channels:\n  - plugin: webhook\n    settings: { url: "${url}", secret: "\${env:HOOK_SECRET}" }\n` });
    await writeFile(join(cwd, "job.yaml"), job(cwd));
    const secret = "a-webhook-secret-of-some-length";
    try {
      await conveyor(["schedule", "add", "job.yaml", "--cron", "@hourly", "--disable-after", "2", "--id", "hourly"], { cwd, env: at("2025-03-01T00:10:00Z") });
      // The input disappears after the job was saved: every run now fails with exit 2.
      await writeFile(join(cwd, "job.yaml"), job(cwd).replace("./customers.csv", "./missing.csv"));
      const result = await conveyor(["scheduler", "--once", "--channels", "channels.yaml"], { cwd, env: { ...at("2025-03-01T02:05:00Z"), HOOK_SECRET: secret } });
      expect(result.stdout).toContain("slot-finished hourly slot 2025-03-01T01:00:00.000Z: failed, exit 2");
      expect(result.stdout).toContain("schedule-disabled hourly slot 2025-03-01T02:00:00.000Z");
      expect(result.stdout).not.toContain(secret);

      const unread = JSON.parse((await conveyor(["notifications", "--unread", "--json"], { cwd })).stdout) as { notifications: StoredNotification[] };
      expect(unread.notifications.map((n) => n.kind)).toEqual(["schedule-disabled", "run-failed", "run-failed"]);
      expect(unread.notifications[2]).toMatchObject({ level: "error", error: { code: "input.unreadable", category: "invalid-input" }, schedule_id: "hourly", deliveries: [{ channel: "webhook", ok: true }] });
      expect(unread.notifications[2]?.actions.map((a) => a.id)).toContain("fix-job");

      expect(received.map((r) => (JSON.parse(r.body) as { kind: string }).kind)).toEqual(["run-failed", "run-failed", "schedule-disabled"]);
      expect(received.every((r) => r.headers["x-conveyor-signature"] === `sha256=${createHmac("sha256", secret).update(r.body).digest("hex")}`)).toBe(true);

      const shown = await conveyor(["notifications", "show", unread.notifications[0]!.id], { cwd });
      expect(shown.stdout).toContain("[error] Schedule hourly disabled after 2 consecutive configuration failures");
      expect(shown.stdout).toContain("Re-enable the schedule");
      expect(shown.stdout).toContain("Enable schedule hourly again; slots from then on run again.");
      expect(shown.stdout).toContain(`     → conveyor run ${join(cwd, "job.yaml")}\n     → conveyor schedule enable hourly\n`);
      expect(shown.stdout).toContain(`Fix the job — The scheduled job ${join(cwd, "job.yaml")} could not start.`);
      expect(shown.stdout).toContain(`     → conveyor validate ${join(cwd, "job.yaml")}\n`);
      // The stored notification keeps the library's words; the commands are the CLI's.
      expect(JSON.stringify(unread.notifications.map((n) => n.actions))).not.toMatch(/conveyor /);

      expect((await conveyor(["notifications", "read", unread.notifications[2]!.id], { cwd })).stdout).toBe("1 notification marked read\n");
      expect((await conveyor(["notifications", "read"], { cwd })).stdout).toBe("2 notifications marked read\n");
      expect((await conveyor(["notifications", "--unread"], { cwd })).stdout).toBe("no unread notifications\n");
      const list = (await conveyor(["notifications"], { cwd })).stdout;
      expect(list.split("\n")[0]).toMatch(/^\s+LEVEL\s+CREATED\s+ID\s+TITLE$/);

      const schedules = (await conveyor(["schedule", "list"], { cwd })).stdout;
      expect(schedules).toContain("disabled (2 consecutive configuration failures");
      await writeFile(join(cwd, "job.yaml"), job(cwd));
      expect((await conveyor(["schedule", "enable", "hourly"], { cwd, env: at("2025-03-01T03:30:00Z") })).stdout).toBe("schedule hourly enabled; next run 2025-03-01T04:00:00.000Z\n");
      const recovered = await conveyor(["scheduler", "--once"], { cwd, env: at("2025-03-01T04:01:00Z") });
      expect(recovered.stdout).toContain("slot-finished hourly slot 2025-03-01T04:00:00.000Z: succeeded");
      expect((JSON.parse((await conveyor(["notifications", "--unread", "--json"], { cwd })).stdout) as { notifications: StoredNotification[] }).notifications.map((n) => n.kind)).toEqual(["schedule-recovered"]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("refuses a channels file naming an unknown notifier or bad settings", async () => {
    const cwd = await workspace({ "c.yaml": "channels:\n  - plugin: pager\n", "d.yaml": "channels:\n  - plugin: webhook\n    settings: { url: nope }\n", "e.yaml": "hooks: []\n" });
    expect((await conveyor(["scheduler", "--once", "--channels", "c.yaml"], { cwd })).stderr).toContain('unknown notifier plugin "pager"');
    expect((await conveyor(["scheduler", "--once", "--channels", "d.yaml"], { cwd })).stderr).toContain("channels[0].settings.url: must be an http:// or https:// URL");
    expect((await conveyor(["scheduler", "--once", "--channels", "e.yaml"], { cwd })).stderr).toContain("expected channels: [{ plugin: webhook");
  });
});

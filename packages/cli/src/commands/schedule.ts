import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Command, Option } from "commander";
import { EXIT_CODES, invalidInput, systemClock, z, type Clock, type Conveyor, type SecretRegistry } from "@conveyor/runtime";
import {
  CRON_MODES,
  checkTimeZone,
  NotificationStore,
  nextRun,
  parseCron,
  scaledClock,
  Scheduler,
  ScheduleStore,
  type Channel,
  type JobSource,
  type Schedule,
  type SchedulerEvent,
  type StoredNotification,
} from "@conveyor/scheduler";
import { line, table, type CliIo } from "../io.js";
import { readStructuredFile } from "../structured-file.js";
import { cliConveyor, loadJob, requireValid, stateDirOf, type CommandContext } from "../job-context.js";
import { showRunCommand } from "../action-commands.js";
import { printActions, printError } from "../report.js";

/**
 * Test hook: `CONVEYOR_SCHEDULER_CLOCK=<start ISO>,<speed>[,<real anchor ISO>]` runs the
 * scheduler's time from `start`, `speed` times faster (see @conveyor/scheduler `scaledClock`).
 */
function clockOf(io: CliIo): Clock {
  const spec = io.env.CONVEYOR_SCHEDULER_CLOCK;
  return spec ? scaledClock(spec) : systemClock;
}

const wantsJson = (ctx: CommandContext, options: { json?: boolean }) => Boolean(options.json || ctx.globals().json);

/** Whole numbers become numbers; anything else stays text so validation names the field. */
const wholeNumber = (value: string): number | string => (/^-?\d+$/.test(value) ? Number(value) : value);

export function scheduleCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  const store = () => new ScheduleStore(stateDirOf(io, globals()));
  const schedule = new Command("schedule").description("cron schedules for jobs, run by `conveyor scheduler`");

  schedule
    .command("add")
    .description("schedule a job: it is validated now, and runs at each slot of the cron expression")
    .argument("<job>", "job file (YAML or JSON)")
    .requiredOption("--cron <expression>", 'five-field cron expression, @daily, @hourly, or "" for no scheduled run')
    .option("--timezone <zone>", "IANA time zone the expression is read in", "UTC")
    .option("--delay <seconds>", "start each run this long after its slot (its scheduled time stays the slot)", wholeNumber, 0)
    .option("--retry-limit <n>", "retries of a run that failed transiently (exit 4), 0-32", wholeNumber, 0)
    .addOption(new Option("--cron-mode <mode>", "standard (either day field) or td (the more frequent day field)").choices(CRON_MODES).default("standard"))
    .option("--disable-after <n>", "disable after this many consecutive configuration failures (exit 2/3)", wholeNumber, 3)
    .option("--skip-missed", "skip slots missed while the scheduler was not running, instead of running them once")
    .option("--disabled", "add it disabled")
    .option("--id <id>", "the schedule's id (default: from the job file name)")
    .option("--json", "print the schedule as one JSON line")
    .action(async (jobPath: string, options: AddOptions) => {
      const job = resolve(io.cwd, jobPath);
      // Refused when saved, not at its first slot: a job that cannot run would only fail there.
      await requireValid(await loadJob(ctx, job)).conveyor.close();
      const added = await store().add(
        {
          job,
          cron: options.cron,
          timezone: options.timezone,
          delay: options.delay,
          retry_limit: options.retryLimit,
          cron_mode: options.cronMode,
          disable_after: options.disableAfter,
          skip_missed: Boolean(options.skipMissed),
          enabled: !options.disabled,
        },
        clockOf(io).now(),
        options.id,
      );
      if (wantsJson(ctx, options)) return line(io.stdout, JSON.stringify(added));
      const next = nextRun(added, clockOf(io).now());
      line(io.stdout, `added schedule ${added.id}: ${describe(added)}; next run ${next ? next.startsAt.toISOString() : "never"}`);
    });

  schedule
    .command("list", { isDefault: true })
    .description("schedules with their next run times")
    .option("--json", "one JSON line")
    .action(async (options: { json?: boolean }) => {
      const now = clockOf(io).now();
      const list = (await store().list()).map((s) => ({ ...s, next_run: s.enabled ? (nextRun(s, now)?.startsAt.toISOString() ?? null) : null }));
      if (wantsJson(ctx, options)) return line(io.stdout, JSON.stringify({ schedules: list }));
      if (list.length === 0) return line(io.stdout, "no schedules yet (add one with `conveyor schedule add <job> --cron …`)");
      line(
        io.stdout,
        table([
          ["ID", "STATE", "SCHEDULE", "NEXT RUN", "JOB"],
          ...list.map((s) => [s.id, s.enabled ? "enabled" : `disabled${s.disabled_reason ? ` (${s.disabled_reason})` : ""}`, describe(s), s.next_run ?? "-", s.job]),
        ]),
      );
    });

  schedule
    .command("show")
    .description("one schedule and its recent slots")
    .argument("<id>")
    .option("--limit <n>", "how many slots", "20")
    .option("--json", "one JSON line")
    .action(async (id: string, options: { json?: boolean; limit: string }) => {
      const found = await store().get(id);
      const slots = (await store().slots(id)).slice(-Number(options.limit)).reverse();
      if (wantsJson(ctx, options)) return line(io.stdout, JSON.stringify({ schedule: found, slots }));
      line(io.stdout, `${found.id}: ${describe(found)}, ${found.enabled ? "enabled" : `disabled: ${found.disabled_reason ?? ""}`}`);
      line(io.stdout, `job: ${found.job}`);
      if (slots.length === 0) return line(io.stdout, "no slots run yet");
      line(io.stdout, table([["SLOT", "STATUS", "ATTEMPTS", "RUN"], ...slots.map((s) => [s.scheduled_time, s.status, String(s.attempts.length), s.attempts.at(-1)?.run_id ?? "-"])]));
    });

  for (const [name, description] of [
    ["enable", "enable a schedule: slots from now on run (its failure count starts again)"],
    ["disable", "disable a schedule: no slot runs until it is enabled"],
  ] as const) {
    schedule
      .command(name)
      .description(description)
      .argument("<id>")
      .action(async (id: string) => {
        const changed = await store().setEnabled(id, name === "enable", clockOf(io).now());
        const next = changed.enabled ? nextRun(changed, clockOf(io).now()) : undefined;
        line(io.stdout, `schedule ${id} ${name}d${next ? `; next run ${next.startsAt.toISOString()}` : ""}`);
      });
  }

  schedule
    .command("remove")
    .description("remove a schedule and its slot history")
    .argument("<id>")
    .action(async (id: string) => {
      await store().remove(id);
      line(io.stdout, `schedule ${id} removed`);
    });

  schedule
    .command("next")
    .description("print the upcoming times of a cron expression, to check it")
    .argument("<cron>", 'five-field cron expression, @daily, @hourly or ""')
    .option("--timezone <zone>", "IANA time zone", "UTC")
    .addOption(new Option("--cron-mode <mode>", "standard or td").choices(CRON_MODES).default("standard"))
    .option("--count <n>", "how many", wholeNumber, 5)
    .option("--from <time>", "start after this ISO time (default: now)")
    .option("--json", "one JSON line")
    .action(async (cron: string, options: { timezone: string; cronMode: (typeof CRON_MODES)[number]; count: number | string; from?: string; json?: boolean }) => {
      const count = z.number().int().min(1).max(1000).safeParse(options.count);
      if (!count.success) throw invalidInput("schedule.invalid-count", `--count: "${options.count}" must be a whole number from 1 to 1000`);
      const from = options.from ? new Date(options.from) : clockOf(io).now();
      if (Number.isNaN(from.getTime())) throw invalidInput("schedule.invalid-from", `--from: "${options.from}" is not an ISO time such as 2025-03-01T00:00:00Z`);
      const timezone = checkTimeZone(options.timezone, "--timezone");
      const rule = parseCron(cron, options.cronMode, "cron");
      const times: Date[] = [];
      for (let at: Date | undefined = rule.next(from, timezone); at && times.length < count.data; at = rule.next(at, timezone)) times.push(at);
      if (wantsJson(ctx, options)) return line(io.stdout, JSON.stringify({ cron, timezone, cron_mode: options.cronMode, times: times.map((t) => t.toISOString()) }));
      if (times.length === 0) return line(io.stdout, "never: this expression has no scheduled run time");
      for (const t of times) line(io.stdout, `${t.toISOString()}  ${wallTime(t, timezone)} ${timezone}`);
    });
  return schedule;
}

/** `Sun 2025-03-09 00:00` in the zone, so a person sees the local time the slot means. */
function wallTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

interface AddOptions {
  cron: string;
  timezone: string;
  delay: number | string;
  retryLimit: number | string;
  cronMode: string;
  disableAfter: number | string;
  skipMissed?: boolean;
  disabled?: boolean;
  id?: string;
  json?: boolean;
}

function describe(s: Schedule): string {
  const cron = s.cron === "" ? '"" (never)' : s.cron;
  return [`${cron} ${s.timezone}`, s.cron_mode === "td" ? "td mode" : "", s.delay ? `delay ${s.delay}s` : "", s.retry_limit ? `retry ${s.retry_limit}` : "", s.skip_missed ? "skip missed" : ""].filter(Boolean).join(", ");
}

/**
 * The scheduler's jobs are the schedules' job files, read at each slot, so a file edited since it
 * was scheduled runs as it is now. Each is sent by a Conveyor that reads inputs and `${file:}`
 * references beside its job file, as `conveyor run <job>` does: one per job folder, kept for the
 * scheduler's life so plugins load once.
 */
function fileJobs(ctx: CommandContext) {
  const conveyors = new Map<string, Promise<Conveyor>>();
  const conveyorIn = (jobDir: string): Promise<Conveyor> => {
    let found = conveyors.get(jobDir);
    if (!found) {
      found = cliConveyor(ctx, { jobDir });
      conveyors.set(jobDir, found);
      // Not kept when it fails (a config file broken meanwhile): the next slot tries again.
      found.catch(() => conveyors.delete(jobDir));
    }
    return found;
  };
  const conveyorFor = (schedule: Schedule) => conveyorIn(dirname(schedule.job));
  const jobs: JobSource = {
    async load(schedule) {
      const text = await readFile(schedule.job, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw invalidInput("job.unreadable", `cannot read job file ${schedule.job}: ${error.code ?? error.message}`);
      });
      return { job: (await conveyorFor(schedule)).parseJob(text, schedule.job).job, jobPath: schedule.job };
    },
  };
  const close = async () => void (await Promise.allSettled([...conveyors.values()].map(async (c) => (await c).close())));
  return { jobs, conveyorIn, conveyorFor, close };
}

const channelsSchema = z.object({
  channels: z.array(z.object({ plugin: z.string().min(1), name: z.string().optional(), settings: z.record(z.string(), z.unknown()).default({}) }).strict()),
});

/** The notifier plugins listed in a channels file (`channels: [{ plugin: webhook, settings: {…} }]`). */
async function loadChannels(ctx: CommandContext, conveyor: Conveyor, path: string): Promise<Channel[]> {
  const file = resolve(ctx.io.cwd, path);
  const parsed = channelsSchema.safeParse(await readStructuredFile(file, "channels file"));
  if (!parsed.success) throw invalidInput("channels.invalid", `channels file ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}; expected channels: [{ plugin: webhook, settings: { url: … } }]`);
  return Promise.all(parsed.data.channels.map(async (c, i) => ({ name: c.name ?? c.plugin, notifier: await conveyor.notifier(c.plugin, c.settings, `channels[${i}].settings`) })));
}

export function schedulerCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  return new Command("scheduler")
    .description("run due schedules until stopped (SIGTERM or Ctrl-C lets the runs in progress finish; a second one stops at once)")
    .option("--once", "run the slots due now, then exit")
    .option("--channels <file>", "notification channels: channels: [{ plugin: webhook, settings: { url, secret } }]")
    .option("--json", "print each event as one JSON line")
    .action(async (options: { once?: boolean; channels?: string; json?: boolean }) => {
      const json = wantsJson(ctx, options);
      const files = fileJobs(ctx);
      try {
        // Made first, so a broken configuration stops the command instead of failing every slot.
        const own = await files.conveyorIn(io.cwd);
        const scheduler = new Scheduler({
          stateDir: stateDirOf(io, globals()),
          jobs: files.jobs,
          conveyor: files.conveyorFor,
          clock: clockOf(io),
          channels: options.channels ? await loadChannels(ctx, own, options.channels) : [],
          onEvent: (event) => line(io.stdout, json ? JSON.stringify(ctx.secrets.redactDeep(event)) : describeEvent(ctx.secrets, event)),
        });
        if (options.once) return await scheduler.runDue();
        if (!json) line(io.stdout, `scheduler started (state directory ${stateDirOf(io, globals())})`);
        await untilStopped(io, scheduler);
      } finally {
        await files.close();
      }
    });
}

/** Runs the loop until SIGTERM or Ctrl-C: the first lets the runs in progress finish, a second stops at once. */
async function untilStopped(io: CliIo, scheduler: Scheduler): Promise<void> {
  const stop = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals === 1) {
      line(io.stderr, "stopping: waiting for the runs in progress to finish (send the signal again to stop now)");
      stop.abort();
      return;
    }
    // The abandoned runs would keep the process alive; their slots are recorded first.
    void scheduler.interrupt().then(() => process.exit(143));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await scheduler.run(stop.signal);
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}

/** A finished slot or a retry with the exit code `conveyor run` would have ended with. */
function describeEvent(secrets: SecretRegistry, e: SchedulerEvent): string {
  const exit = e.category ? EXIT_CODES[e.category] : e.status === "succeeded" ? 0 : undefined;
  const extra = [e.status, exit !== undefined ? `exit ${exit}` : "", e.run_id ? `run ${e.run_id}` : "", e.attempt ? `attempt ${e.attempt} in ${Math.round((e.delay_ms ?? 0) / 1000)} s` : ""].filter(Boolean).join(", ");
  return secrets.redact(`${e.event} ${e.schedule_id} slot ${e.scheduled_time}${extra ? `: ${extra}` : ""}`);
}

export function notificationsCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  const store = () => new NotificationStore(stateDirOf(io, globals()));
  const notifications = new Command("notifications").description("alerts about failed runs and disabled or recovered schedules");

  notifications
    .command("list", { isDefault: true })
    .description("newest first")
    .option("--unread", "only unread ones")
    .option("--limit <n>", "how many", "20")
    .option("--json", "one JSON line")
    .action(async (options: { unread?: boolean; limit: string; json?: boolean }) => {
      const list = (await store().list({ unread: Boolean(options.unread) })).slice(0, Number(options.limit));
      if (wantsJson(ctx, options)) return line(io.stdout, JSON.stringify({ notifications: list }));
      if (list.length === 0) return line(io.stdout, options.unread ? "no unread notifications" : "no notifications");
      line(io.stdout, table([["", "LEVEL", "CREATED", "ID", "TITLE"], ...list.map((n) => [n.read ? "" : "*", n.level, n.created_at, n.id, n.title])]));
    });

  notifications
    .command("show")
    .description("one notification: the error, the run to open, and the workflow actions with their steps")
    .argument("<id>")
    .option("--json", "one JSON line")
    .action(async (id: string, options: { json?: boolean }) => {
      const n = await store().get(id);
      if (wantsJson(ctx, options)) return line(io.stdout, JSON.stringify(n));
      printNotification(io, n);
    });

  notifications
    .command("read")
    .description("mark notifications read (all unread ones when no id is given)")
    .argument("[ids...]")
    .action(async (ids: string[]) => {
      const count = await store().markRead(ids);
      line(io.stdout, `${count} notification${count === 1 ? "" : "s"} marked read`);
    });
  return notifications;
}

function printNotification(io: CliIo, n: StoredNotification): void {
  line(io.stdout, `[${n.level}] ${n.title}`);
  line(io.stdout, n.message);
  line(io.stdout, `schedule: ${n.schedule_id}  job: ${n.job}${n.scheduled_time ? `  slot: ${n.scheduled_time}` : ""}`);
  if (n.run_id) line(io.stdout, `open the run: ${showRunCommand(n.run_id)}`);
  for (const d of n.deliveries) line(io.stdout, `delivered to ${d.channel}: ${d.ok ? "ok" : `failed (${d.error ?? ""})`}`);
  // The same error-and-actions layout as a failed `conveyor run`, on stdout since it was asked for.
  const scope = { job: n.job, scheduleId: n.schedule_id, ...(n.run_id ? { runId: n.run_id } : {}) };
  if (n.error) return printError({ ...io, stderr: io.stdout }, { ...n.error, retryable: false }, n.actions, scope);
  printActions(io.stdout, n.actions, scope);
}

import { formatProblems, invalidInput, problemsFromZod, z } from "@conveyor/core";
import { checkTimeZone, CRON_MODES, parseCron, type CronRule } from "./cron.js";

/** What a person sets when adding a schedule (snake_case, like job files). */
export const scheduleSettingsSchema = z
  .object({
    job: z.string().min(1).describe("The job file (YAML or JSON) to run at each slot; stored as an absolute path."),
    cron: z.string().describe('Five-field cron expression, @daily (midnight in the time zone), @hourly, or "" for no scheduled run.'),
    timezone: z.string().default("UTC").describe("IANA time zone the cron expression is read in."),
    delay: z.number().int().min(0).default(0).describe("Seconds after the slot the run starts; the run's scheduled time stays the slot."),
    retry_limit: z.number().int().min(0).max(32).default(0).describe("How many times a run that failed transiently (throttling, a network fault) is retried."),
    cron_mode: z.enum(CRON_MODES).default("standard").describe("standard (Vixie: either day field matches) or td (the more frequent day field wins)."),
    disable_after: z.number().int().min(1).max(100).default(3).describe("Consecutive configuration or credential failures (invalid input, or a person must act) after which the schedule is disabled."),
    skip_missed: z.boolean().default(false).describe("Record slots missed while the scheduler was not running as skipped instead of running them once."),
    enabled: z.boolean().default(true),
  })
  .strict();

export type ScheduleSettings = z.output<typeof scheduleSettingsSchema>;

/** A stored schedule: its settings and what the scheduler keeps between slots. */
export interface Schedule extends ScheduleSettings {
  id: string;
  created_at: string;
  updated_at: string;
  /** Slots at or before this instant are accounted for; later ones are pending. */
  cursor: string;
  /** Configuration or credential failures (`invalid-input`, `needs-person`) since the last success. */
  consecutive_config_failures: number;
  last_status?: "succeeded" | "failed";
  disabled_reason?: string;
  disabled_at?: string;
}

/** Validates settings, naming each bad field and what it allows (`invalid-input`). */
export function parseScheduleSettings(raw: unknown): ScheduleSettings {
  const parsed = scheduleSettingsSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // Unknown settings are reported at the root; name it so the line does not start with ":".
    const problems = problemsFromZod(parsed.error).map((p) => (p.path ? p : { ...p, path: "schedule" }));
    throw invalidInput("schedule.invalid", `schedule settings are invalid:\n${formatProblems(problems)}`, { problems });
  }
  checkTimeZone(parsed.data.timezone);
  parseCron(parsed.data.cron, parsed.data.cron_mode);
  return parsed.data;
}

export function ruleOf(schedule: Pick<ScheduleSettings, "cron" | "cron_mode">): CronRule {
  return parseCron(schedule.cron, schedule.cron_mode);
}

/** When the next slot after `after` starts (slot + delay), with the slot itself. */
export function nextRun(schedule: Schedule, after: Date): { slot: Date; startsAt: Date } | undefined {
  const slot = ruleOf(schedule).next(new Date(Math.max(after.getTime() - schedule.delay * 1000, Date.parse(schedule.cursor))), schedule.timezone);
  return slot && { slot, startsAt: new Date(slot.getTime() + schedule.delay * 1000) };
}

/** Slots whose start (slot + delay) is due at `now` and that come after the cursor. */
export function dueSlots(schedule: Schedule, now: Date): Date[] {
  return ruleOf(schedule).between(new Date(schedule.cursor), new Date(now.getTime() - schedule.delay * 1000), schedule.timezone);
}

/** `daily-export-3f9c`: readable, and unique enough for one state directory. */
export function newScheduleId(jobPath: string): string {
  const base = jobPath.split(/[\\/]/).pop()!.replace(/\.(ya?ml|json)$/i, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "schedule";
  return `${base.slice(0, 40)}-${Math.random().toString(36).slice(2, 6).padEnd(4, "0")}`;
}

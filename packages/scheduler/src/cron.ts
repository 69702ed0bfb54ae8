import { CronExpressionParser, type CronExpression } from "cron-parser";
import { invalidInput } from "@conveyor/core";

/**
 * `standard`: Vixie cron — when both day of month and day of week are restricted, a day matching
 * either runs. `td`: Treasure Data's rules — the more frequent of the two is followed and the
 * other ignored, and a step over `*` counts from 0 (`*\/5` in day of month is 5, 10, … 30).
 */
export type CronMode = "standard" | "td";
export const CRON_MODES = ["standard", "td"] as const;

export const CRON_ALLOWED =
  'five fields separated by single spaces — minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat (Sunday=0) — each *, a value, a range 2-5, a step */5 or 2-10/2, or a comma-separated list of those; or @daily, @hourly, or "" for no scheduled run';

const FIELD_NAMES = ["minute", "hour", "day of month", "month", "day of week"] as const;
const FIELD_ITEM = /^(\*|[0-9a-z]+(-[0-9a-z]+)?)(\/[0-9]+)?$/;
const ALIASES: Record<string, string> = { "@daily": "0 0 * * *", "@hourly": "0 * * * *" };

/** A parsed schedule expression; `never` for `""`. */
export interface CronRule {
  readonly expression: string;
  readonly mode: CronMode;
  /** The five-field expression given to the cron library after aliases and `td` rules. */
  readonly effective?: string;
  /** The first slot strictly after `after`, or undefined when the rule never runs. */
  next(after: Date, timezone: string): Date | undefined;
  /** Every slot in (after, until], oldest first. */
  between(after: Date, until: Date, timezone: string): Date[];
}

export function parseCron(expression: string, mode: CronMode = "standard", field = "cron"): CronRule {
  const trimmed = expression.trim();
  if (trimmed === "") return { expression, mode, next: () => undefined, between: () => [] };
  const aliased = ALIASES[trimmed.toLowerCase()];
  if (trimmed.startsWith("@") && !aliased) throw badCron(field, expression, `unknown shortcut ${trimmed}`);
  const fields = (aliased ?? trimmed.toLowerCase()).split(" ");
  if (fields.length !== 5) throw badCron(field, expression, `found ${fields.length} field${fields.length === 1 ? "" : "s"}${/\s\s|\t/.test(trimmed) ? " (fields must be separated by exactly one space)" : ""}`);
  fields.forEach((value, i) => {
    const bad = value.split(",").find((item) => !FIELD_ITEM.test(item));
    if (bad !== undefined) throw badCron(field, expression, `${FIELD_NAMES[i]} "${value}" has an item "${bad}" that is not *, a value, a range or a step`);
  });
  const effective = mode === "td" ? applyTdRules(fields, field, expression) : fields.join(" ");
  // Parse once now so a bad value is refused when the schedule is saved, not at its first slot.
  libraryParse(effective, new Date(0), "UTC", field, expression);
  return {
    expression,
    mode,
    effective,
    next(after, timezone) {
      const it = libraryParse(effective, after, timezone, field, expression);
      return it.hasNext() ? it.next().toDate() : undefined;
    },
    between(after, until, timezone) {
      const it = libraryParse(effective, after, timezone, field, expression);
      const slots: Date[] = [];
      while (it.hasNext()) {
        const slot = it.next().toDate();
        if (slot > until) break;
        slots.push(slot);
      }
      return slots;
    },
  };
}

function libraryParse(effective: string, after: Date, timezone: string, field: string, expression: string): CronExpression {
  try {
    return CronExpressionParser.parse(effective, { currentDate: after, tz: timezone });
  } catch (error) {
    throw badCron(field, expression, (error as Error).message);
  }
}

/**
 * Treasure Data's rules on top of the library's parsing: steps over `*` count from 0, and when
 * both day fields are restricted the one selecting more days a year wins.
 */
function applyTdRules(fields: string[], field: string, expression: string): string {
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const fromZero = (value: string, max: number) =>
    value
      .split(",")
      .map((item) => {
        const step = /^\*\/(\d+)$/.exec(item)?.[1];
        if (step === undefined) return item;
        if (Number(step) < 1 || Number(step) > max) throw badCron(field, expression, `step ${item} must be between 1 and ${max}`);
        return `${step}-${max}/${step}`;
      })
      .join(",");
  let days = fromZero(dom, 31);
  let weekdays = dow;
  const months = fromZero(month, 12);
  if (isRestricted(days) && isRestricted(weekdays)) {
    const parsed = libraryParse(`${minute} ${hour} ${days} ${months} ${weekdays}`, new Date(0), "UTC", field, expression).fields;
    const perYearByDay = parsed.dayOfMonth.values.reduce<number>((sum, d) => sum + (typeof d === "number" ? daysInYearWith(d) : 0), 0);
    const perYearByWeekday = new Set(parsed.dayOfWeek.values.map((d) => (d === 7 ? 0 : d))).size * (365.25 / 7);
    if (perYearByWeekday > perYearByDay) days = "*";
    else weekdays = "*";
  }
  return [minute, hour, days, months, weekdays].join(" ");
}

function isRestricted(value: string): boolean {
  return value !== "*" && value !== "?";
}

/** How many days a year carry this day-of-month number (averaged over leap years). */
function daysInYearWith(day: number): number {
  if (day <= 28) return 12;
  if (day === 29) return 11.25;
  if (day === 30) return 11;
  return 7;
}

function badCron(field: string, expression: string, reason: string) {
  return invalidInput("schedule.invalid-cron", `${field}: "${expression}" is not a valid cron expression (${reason}); allowed: ${CRON_ALLOWED}`, { field, expression });
}

/** Refuses a time zone that is not an IANA name the runtime knows. */
export function checkTimeZone(timezone: string, field = "timezone"): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return timezone;
  } catch {
    throw invalidInput("schedule.invalid-timezone", `${field}: "${timezone}" is not an IANA time zone; allowed: names such as UTC, America/Los_Angeles, Europe/Berlin, Asia/Tokyo`, { field, timezone });
  }
}

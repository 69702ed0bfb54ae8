/**
 * Wall-clock arithmetic in IANA time zones on top of `Intl.DateTimeFormat` (no dependency):
 * what a zone's clock shows at an instant, and which instant a wall-clock time names.
 */

/** What a clock in some zone shows at an instant. `month` is 1–12, `weekday` 0 (Sunday)–6. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly weekday: number;
  /** Minutes east of UTC in force at that instant (PDT: -420). */
  readonly offsetMinutes: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's canonical IANA name (`america/los_angeles` → `America/Los_Angeles`), or undefined
 * when the runtime does not know it.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isValidTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}

/** The wall-clock fields of `date` in `zone` (which must be valid). */
export function wallTime(date: Date, zone: string): WallTime {
  const ms = date.getTime();
  const f = fieldsAt(ms, zone);
  const localMs = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.millisecond);
  return {
    ...f,
    weekday: new Date(localMs).getUTCDay(),
    offsetMinutes: Math.round((localMs - ms) / MINUTE),
  };
}

/** Minutes east of UTC in force in `zone` at the instant `ms`. */
export function offsetAt(ms: number, zone: string): number {
  return wallTime(new Date(ms), zone).offsetMinutes;
}

/**
 * The instant a wall-clock time names in `zone`, resolved like java.time's
 * `ZonedDateTime.ofLocal`: a time skipped by a spring-forward gap moves later by the gap's
 * length (02:30 → 03:30); a time repeated by a fall-back overlap keeps `preferredOffset` when
 * it is one of the two, otherwise takes the earlier instant.
 */
export function instantOf(
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number },
  zone: string,
  preferredOffset?: number,
): Date {
  // Date.UTC normalises overflow (day 32 → next month, Feb 29 of a non-leap year → Mar 1).
  const localMs = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
  // Zones change offset at most once within a day either side of any instant (true of the
  // whole tz database), so the offsets a day before and after are the only candidates.
  const before = offsetAt(localMs - DAY, zone);
  const after = offsetAt(localMs + DAY, zone);
  const valid = [...new Set([before, after, offsetAt(localMs, zone)])]
    .filter((offset) => offsetAt(localMs - offset * MINUTE, zone) === offset)
    .map((offset) => localMs - offset * MINUTE)
    .sort((a, b) => a - b);
  if (valid.length === 0) return new Date(localMs - before * MINUTE); // gap
  const preferred = preferredOffset === undefined ? undefined : localMs - preferredOffset * MINUTE;
  return new Date(preferred !== undefined && valid.includes(preferred) ? preferred : valid[0]!);
}

/** The same wall-clock time `days` calendar days later in `zone` (DST-aware). */
export function addCalendarDays(date: Date, days: number, zone: string): Date {
  const w = wallTime(date, zone);
  return instantOf({ ...w, day: w.day + days }, zone, w.offsetMinutes);
}

function fieldsAt(ms: number, zone: string) {
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const era = parts.find((p) => p.type === "era")?.value;
  const year = get("year");
  return {
    // Intl counts years before AD 1 by era; astronomical numbering keeps arithmetic simple.
    year: era === "BC" ? 1 - year : year,
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The subset of Joda-Time's DateTimeFormat patterns that file names need. Letters are fields;
 * every other character is copied; `'text'` is copied verbatim and `''` is one quote.
 */
import { invalidInput } from "../errors.js";
import { canonicalTimeZone, wallTime, type WallTime } from "./time-zone.js";

export type JodaToken = { readonly literal: string } | { readonly letter: JodaLetter; readonly count: number };
type JodaLetter = (typeof JODA_LETTERS)[number];

const JODA_LETTERS = ["y", "Y", "M", "d", "H", "h", "m", "s", "S", "a", "E", "Z"] as const;

/** What a problem message lists as allowed. */
export const JODA_ALLOWED =
  "yyyy, yy, YYYY (calendar year), MM, M, MMM (Jan), dd, d, HH, H, hh, mm (minutes), ss, SSS, a (AM/PM), EEE (Mon), Z (-0800), ZZ (-08:00), and 'quoted text'";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export interface ParsedJoda {
  readonly tokens: readonly JodaToken[];
  /** Messages (without a path) describing what is wrong; empty when the pattern is usable. */
  readonly problems: readonly string[];
}

/** Splits a pattern into tokens, collecting every problem (unknown letters, open quotes). */
export function parseJoda(pattern: string): ParsedJoda {
  const tokens: JodaToken[] = [];
  const problems: string[] = [];
  const unknown = new Set<string>();
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const quoted = readQuoted(pattern, i);
      if (quoted.end === undefined) {
        problems.push(
          `format pattern "${pattern}": quoted text starting at character ${i + 1} is not closed; end it with ' (write '' for a quote)`,
        );
        break;
      }
      pushLiteral(tokens, quoted.text);
      i = quoted.end;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if ((JODA_LETTERS as readonly string[]).includes(c)) tokens.push({ letter: c as JodaLetter, count: j - i });
      else unknown.add(c);
      i = j;
    } else {
      pushLiteral(tokens, c);
      i++;
    }
  }
  if (unknown.size > 0) {
    const letters = [...unknown].map((l) => `"${l}"`).join(", ");
    problems.unshift(
      `format pattern "${pattern}": unknown pattern letter${unknown.size > 1 ? "s" : ""} ${letters}; allowed: ${JODA_ALLOWED}. Quote other letters, as in 'T'`,
    );
  }
  return { tokens, problems };
}

/** Renders wall-clock fields with parsed tokens. `zone` is only printed by `ZZZ`. */
export function formatWallTime(tokens: readonly JodaToken[], wall: WallTime, zone: string): string {
  let out = "";
  for (const token of tokens) out += "literal" in token ? token.literal : field(token.letter, token.count, wall, zone);
  return out;
}

/**
 * Formats `date` with a Joda-style pattern as the clock in `timeZone` shows it, e.g.
 * `formatJoda(d, "yyyy_MM_dd")`. Throws `template.invalid` for unknown letters or zones.
 */
export function formatJoda(date: Date, pattern: string, timeZone = "UTC"): string {
  const zone = canonicalTimeZone(timeZone);
  if (zone === undefined) throw invalidInput("template.invalid", unknownZoneMessage(timeZone), { timeZone });
  const parsed = parseJoda(pattern);
  if (parsed.problems.length > 0) throw invalidInput("template.invalid", parsed.problems.join("; "), { pattern });
  return formatWallTime(parsed.tokens, wallTime(date, zone), zone);
}

export function unknownZoneMessage(zone: string): string {
  return `unknown time zone "${zone}"; use an IANA time zone name such as "America/Los_Angeles", "Europe/Berlin" or "UTC"`;
}

function field(letter: JodaLetter, count: number, w: WallTime, zone: string): string {
  switch (letter) {
    case "y":
    case "Y": // Joda's year-of-era, which is the calendar year for every date a file can carry
      return count === 2 ? pad(((w.year % 100) + 100) % 100, 2) : pad(w.year, count);
    case "M":
      return count >= 4 ? MONTHS[w.month - 1]! : count === 3 ? MONTHS[w.month - 1]!.slice(0, 3) : pad(w.month, count);
    case "d":
      return pad(w.day, count);
    case "H":
      return pad(w.hour, count);
    case "h":
      return pad(w.hour % 12 || 12, count);
    case "m":
      return pad(w.minute, count);
    case "s":
      return pad(w.second, count);
    case "S": // fraction of a second: the first `count` digits
      return pad(w.millisecond, 3).padEnd(count, "0").slice(0, count);
    case "a":
      return w.hour < 12 ? "AM" : "PM";
    case "E":
      return count >= 4 ? WEEKDAYS[w.weekday]! : WEEKDAYS[w.weekday]!.slice(0, 3);
    case "Z":
      return count >= 3 ? zone : offset(w.offsetMinutes, count === 2 ? ":" : "");
  }
}

function offset(minutes: number, separator: string): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60), 2)}${separator}${pad(abs % 60, 2)}`;
}

function pad(n: number, width: number): string {
  return n < 0 ? "-" + String(-n).padStart(width, "0") : String(n).padStart(width, "0");
}

function pushLiteral(tokens: JodaToken[], text: string): void {
  const last = tokens[tokens.length - 1];
  if (last && "literal" in last) tokens[tokens.length - 1] = { literal: last.literal + text };
  else if (text !== "") tokens.push({ literal: text });
}

/** Reads `'…'` starting at the opening quote; `''` alone is a quote, `''` inside is a quote. */
function readQuoted(pattern: string, start: number): { text: string; end?: number } {
  if (pattern[start + 1] === "'") return { text: "'", end: start + 2 };
  let text = "";
  let i = start + 1;
  while (i < pattern.length) {
    if (pattern[i] === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i += 2;
        continue;
      }
      return { text, end: i + 1 };
    }
    text += pattern[i];
    i++;
  }
  return { text };
}

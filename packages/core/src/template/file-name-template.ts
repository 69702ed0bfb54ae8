/**
 * The file-name template language: literal text plus `{{ expr }}`,
 * where expr is a variable or 'quoted text', and `now` takes filters:
 *
 *   {{ now|local:'America/Los_Angeles'|next_day|format:'yyyy-MM-dd' }}
 *
 * Filters apply left to right: `local` switches the zone whose wall clock is shown (UTC until
 * then), `next_day` moves one calendar day in the current zone, `format` (last) gives the
 * Joda-style pattern. Without `format`, `now` renders as `yyyy-MM-dd'T'HH-mm-ss` — the ISO
 * shape with `-` for `:`, which is awkward in file names on many systems.
 * Arguments may use '…' or "…" quotes; `\` escapes a quote or backslash inside them.
 */
import { ConnectorError, invalidInput, jobSettingsError } from "../errors.js";
import { fileNumber } from "../pipeline/naming.js";
import { formatProblems, type Problem } from "../settings/problems.js";
import { formatWallTime, parseJoda, unknownZoneMessage, type JodaToken } from "./joda-format.js";
import { addCalendarDays, canonicalTimeZone, wallTime } from "./time-zone.js";

/** Variables an expression may name. */
export const TEMPLATE_VARIABLES = ["now", "campaign_name", "group_name", "file_number"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
/** Filters `now` accepts. */
export const TEMPLATE_FILTERS = ["local", "next_day", "format"] as const;

/** Values a template is rendered with. `file_number` defaults to 1 (an unsplit output is file 1). */
export interface TemplateValues {
  now: Date;
  campaign_name?: string;
  group_name?: string;
  file_number?: number;
}

/** How `{{ now }}` renders without a `format` filter. */
export const DEFAULT_NOW_PATTERN = "yyyy-MM-dd'T'HH-mm-ss";
const DEFAULT_NOW_TOKENS = parseJoda(DEFAULT_NOW_PATTERN).tokens;
const ALLOWED_EXPRESSIONS = "now, campaign_name, group_name, file_number, or quoted text such as '_'";
const ALLOWED_FILTERS = "local:'<IANA time zone>', next_day, format:'<Joda pattern>'";
/** Values for the check of names a template can produce, run at validation time. */
const SAMPLE_VALUES: TemplateValues = {
  now: new Date(Date.UTC(2025, 0, 31, 12)),
  campaign_name: "campaign",
  group_name: "group",
  file_number: 1,
};

type NowStep = { readonly local: string } | { readonly nextDay: true };
type Part =
  | { readonly text: string }
  | { readonly variable: Exclude<TemplateVariable, "now"> }
  | { readonly now: readonly NowStep[]; readonly format: readonly JodaToken[] };

/** A parsed file-name template; parse once, render per file. */
export class FileNameTemplate {
  private constructor(
    readonly source: string,
    private readonly parts: readonly Part[],
  ) {}

  /**
   * Parses `source`; throws `template.invalid` (invalid-input) with every problem in
   * `details.problems`, each under `path`.
   */
  static parse(source: string, path = "template.file_name"): FileNameTemplate {
    const parsed = parseTemplate(source, path);
    if (parsed.problems.length > 0) throw templateInvalid(source, parsed.problems);
    return new FileNameTemplate(source, parsed.parts);
  }

  /**
   * Every problem of `source` at once (for `conveyor validate`); empty when it is usable.
   * Includes names that cannot be valid whatever the values (`a/../b`, `a//b`).
   */
  static problems(source: string, path = "template.file_name"): Problem[] {
    const parsed = parseTemplate(source, path);
    if (parsed.problems.length > 0) return parsed.problems;
    try {
      new FileNameTemplate(source, parsed.parts).render(SAMPLE_VALUES);
      return [];
    } catch (error) {
      return [{ path, message: (error as Error).message, severity: "error" }];
    }
  }

  /** Whether an expression names `variable` (quoted text that spells it does not count). */
  uses(variable: TemplateVariable): boolean {
    return this.parts.some((p) => ("now" in p ? variable === "now" : "variable" in p && p.variable === variable));
  }

  /**
   * The file name: leading `/` removed; `/` makes folders. Throws `template.missing-value` when
   * the template uses campaign_name or group_name and none is given, and `template.invalid-name`
   * when the name has an empty, `.` or `..` folder.
   */
  render(values: TemplateValues): string {
    let name = "";
    for (const part of this.parts) {
      if ("text" in part) name += part.text;
      else if ("now" in part) name += renderNow(part, values.now);
      else name += this.variable(part.variable, values);
    }
    return checkedName(name, this.source);
  }

  private variable(variable: Exclude<TemplateVariable, "now">, values: TemplateValues): string {
    if (variable === "file_number") {
      const n = values.file_number ?? 1;
      if (!Number.isSafeInteger(n) || n < 0) {
        const message = `file_number must be a whole number of at least 0, not ${n}`;
        throw new ConnectorError({ code: "template.invalid-value", category: "internal", message });
      }
      return fileNumber(n);
    }
    const value = values[variable];
    if (value === undefined) {
      const key = variable === "campaign_name" ? "name" : "group";
      throw jobSettingsError(
        "template.missing-value",
        `The file-name template "${this.source}" uses {{ ${variable} }}, but this send has no campaign ${key}; add campaign: { ${key}: ... } to the job or remove {{ ${variable} }} from the template`,
        `Add campaign: { ${key}: ... } to the job, or remove {{ ${variable} }} from the template's file_name.`,
        { variable },
      );
    }
    return value;
  }
}

/** The template used when none is configured: `<job name>_{{ now|format:'yyyy_MM_dd' }}`. */
export function defaultFileNameTemplate(jobName: string): string {
  return `${jobName}_{{ now|format:'yyyy_MM_dd' }}`;
}

function templateInvalid(source: string, problems: Problem[]): ConnectorError {
  return new ConnectorError({
    code: "template.invalid",
    category: "invalid-input",
    message: `Invalid file-name template "${source}":\n${formatProblems(problems)}`,
    details: { problems },
  });
}

function renderNow(part: { now: readonly NowStep[]; format: readonly JodaToken[] }, now: Date): string {
  let instant = now;
  let zone = "UTC";
  for (const step of part.now) {
    if ("local" in step) zone = step.local;
    else instant = addCalendarDays(instant, 1, zone);
  }
  return formatWallTime(part.format, wallTime(instant, zone), zone);
}

function checkedName(rendered: string, source: string): string {
  const name = rendered.replace(/^\/+/, "");
  const bad = name === "" ? [""] : name.split("/").filter((s) => s === "" || s === "." || s === "..");
  if (bad.length > 0) {
    const what = name === "" ? "is empty" : `has ${bad.map((s) => (s === "" ? "an empty folder (//)" : `a "${s}" folder`)).join(" and ")}`;
    throw invalidInput(
      "template.invalid-name",
      `The file name "${rendered}" rendered from the template "${source}" ${what}; a "/" starts a folder, so each folder and the name itself must be non-empty and neither "." nor ".."`,
      { name: rendered },
    );
  }
  return name;
}

// ---- parsing -------------------------------------------------------------------------------

type Token =
  | { readonly kind: "name"; readonly value: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "pipe" | "colon" };

interface Parsed {
  parts: Part[];
  problems: Problem[];
}

function parseTemplate(source: string, path: string): Parsed {
  const parts: Part[] = [];
  const problems: Problem[] = [];
  const problem = (message: string) => problems.push({ path, message, severity: "error" });
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf("{{", i);
    if (open < 0) {
      parts.push({ text: source.slice(i) });
      break;
    }
    if (open > i) parts.push({ text: source.slice(i, open) });
    const lexed = lex(source, open + 2);
    if (lexed.end === undefined) {
      problem(`"{{" at character ${open + 1} is not closed with "}}"`);
      break;
    }
    const text = source.slice(open, lexed.end);
    if (lexed.error !== undefined) problem(`${lexed.error} in "${text}"`);
    else {
      const part = parseExpression(lexed.tokens, text, open, problem);
      if (part) parts.push(part);
    }
    i = lexed.end;
  }
  return { parts, problems };
}

/**
 * Reads the tokens of one expression from `start` (just after `{{`) up to and including `}}`.
 * `end` is undefined when no `}}` closes it; after a lexical error, `end` is the next `}}`.
 */
function lex(source: string, start: number): { tokens: Token[]; end?: number; error?: string } {
  const tokens: Token[] = [];
  let i = start;
  const recover = (error: string) => {
    const close = source.indexOf("}}", i);
    return close < 0 ? { tokens } : { tokens, end: close + 2, error };
  };
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) i++;
    else if (source.startsWith("}}", i)) return { tokens, end: i + 2 };
    else if (c === "|" || c === ":") {
      tokens.push({ kind: c === "|" ? "pipe" : "colon" });
      i++;
    } else if (c === "'" || c === '"') {
      let value = "";
      let j = i + 1;
      while (j < source.length && source[j] !== c) {
        if (source[j] === "\\" && j + 1 < source.length) j++;
        value += source[j];
        j++;
      }
      if (j >= source.length) return recover(`quoted text starting at character ${i + 1} is not closed with ${c}`);
      tokens.push({ kind: "string", value });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0];
      tokens.push({ kind: "name", value: name });
      i += name.length;
    } else {
      return recover(`unexpected character "${c}" at character ${i + 1}`);
    }
  }
  return { tokens };
}

function parseExpression(tokens: Token[], text: string, at: number, problem: (m: string) => void): Part | undefined {
  const [head, ...rest] = tokens;
  if (head === undefined) {
    problem(`empty expression "${text}" at character ${at + 1}; write one of ${ALLOWED_EXPRESSIONS}`);
    return undefined;
  }
  if (head.kind !== "name" && head.kind !== "string") {
    problem(`"${text}" must start with one of ${ALLOWED_EXPRESSIONS}`);
    return undefined;
  }
  const filters = parseFilters(rest, text, problem);
  if (filters === undefined) return undefined;
  if (head.kind === "string" || head.value !== "now") {
    if (head.kind === "name" && !(TEMPLATE_VARIABLES as readonly string[]).includes(head.value)) {
      problem(`unknown variable "${head.value}" in "${text}"; allowed: ${ALLOWED_EXPRESSIONS}`);
      return undefined;
    }
    const what = head.kind === "string" ? "quoted text" : head.value;
    for (const f of filters) problem(`filter "${f.name}" in "${text}" applies only to now; ${what} takes no filters`);
    if (filters.length > 0) return undefined;
    return head.kind === "string" ? { text: head.value } : { variable: head.value as Exclude<TemplateVariable, "now"> };
  }
  return parseNowFilters(filters, text, problem);
}

interface Filter {
  readonly name: string;
  readonly argument?: string;
}

/** `| name` or `| name:'argument'`, repeated; undefined after a syntax problem. */
function parseFilters(tokens: Token[], text: string, problem: (m: string) => void): Filter[] | undefined {
  const filters: Filter[] = [];
  let i = 0;
  while (i < tokens.length) {
    const [pipe, name, colon, argument] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
    if (pipe?.kind !== "pipe") {
      problem(`unexpected ${describeToken(pipe!)} in "${text}"; separate filters with "|", as in {{ now|format:'yyyy' }}`);
      return undefined;
    }
    if (name?.kind !== "name") {
      problem(`"|" in "${text}" must be followed by a filter name; allowed: ${ALLOWED_FILTERS}`);
      return undefined;
    }
    if (colon?.kind !== "colon") {
      filters.push({ name: name.value });
      i += 2;
      continue;
    }
    if (argument?.kind !== "string") {
      problem(`filter "${name.value}" in "${text}" needs a quoted argument after ":", as in ${name.value}:'…'`);
      return undefined;
    }
    filters.push({ name: name.value, argument: argument.value });
    i += 4;
  }
  return filters;
}

function parseNowFilters(filters: Filter[], text: string, problem: (m: string) => void): Part | undefined {
  const steps: NowStep[] = [];
  let format: readonly JodaToken[] | undefined;
  let ok = true;
  const fail = (message: string) => {
    problem(message);
    ok = false;
  };
  filters.forEach((filter, index) => {
    const needsArgument = filter.name !== "next_day";
    if (!(TEMPLATE_FILTERS as readonly string[]).includes(filter.name)) {
      return fail(`unknown filter "${filter.name}" in "${text}"; allowed on now: ${ALLOWED_FILTERS}`);
    }
    if (needsArgument && filter.argument === undefined) {
      const example = filter.name === "local" ? "local:'America/Los_Angeles'" : "format:'yyyy-MM-dd'";
      return fail(`filter "${filter.name}" in "${text}" needs a quoted argument, as in ${example}`);
    }
    if (!needsArgument && filter.argument !== undefined) return fail(`filter "next_day" in "${text}" takes no argument`);
    if (filter.name === "next_day") steps.push({ nextDay: true });
    else if (filter.name === "local") {
      const zone = canonicalTimeZone(filter.argument!);
      if (zone === undefined) fail(`${unknownZoneMessage(filter.argument!)} (in "${text}")`);
      else steps.push({ local: zone });
    } else if (index !== filters.length - 1) {
      fail(`filter "format" in "${text}" must be the last filter: it turns the date into text`);
    } else {
      const joda = parseJoda(filter.argument!);
      for (const message of joda.problems) fail(`${message} (in "${text}")`);
      format = joda.tokens;
    }
  });
  return ok ? { now: steps, format: format ?? DEFAULT_NOW_TOKENS } : undefined;
}

function describeToken(token: Token): string {
  if (!("value" in token)) return token.kind === "pipe" ? '"|"' : '":"';
  return token.kind === "name" ? `"${token.value}"` : `'${token.value}'`;
}

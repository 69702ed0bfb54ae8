import { describe, expect, it } from "vitest";
import { ConnectorError } from "../src/errors.js";
import {
  defaultFileNameTemplate,
  FileNameTemplate,
  formatJoda,
  TEMPLATE_VARIABLES,
  type TemplateValues,
} from "../src/template/index.js";

const at = (iso: string) => new Date(iso);
const render = (source: string, values: Partial<TemplateValues> = {}) =>
  FileNameTemplate.parse(source).render({ now: at("2025-01-31T12:34:56.789Z"), ...values });
/** Renders `{{ now|<filters> }}` at `iso`. */
const now = (filters: string, iso: string) => FileNameTemplate.parse(`{{ now|${filters} }}`).render({ now: at(iso) });
const messages = (source: string) => FileNameTemplate.problems(source).map((p) => p.message);

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error("expected a ConnectorError");
}

const ALLOWED = "allowed: now, campaign_name, group_name, file_number, or quoted text such as '_'";
const ALLOWED_FILTERS = "allowed on now: local:'<IANA time zone>', next_day, format:'<Joda pattern>'";

describe("variables", () => {
  it("lists the variables", () => {
    expect(TEMPLATE_VARIABLES).toEqual(["now", "campaign_name", "group_name", "file_number"]);
  });

  it("keeps literal text as it is", () => {
    expect(render("exports/report-final.csv")).toBe("exports/report-final.csv");
    expect(render("a}}b{c}")).toBe("a}}b{c}");
  });

  it("renders now without a format as yyyy-MM-dd'T'HH-mm-ss in UTC (no colons)", () => {
    expect(render("run_{{ now }}")).toBe("run_2025-01-31T12-34-56");
  });

  it("renders campaign_name and group_name", () => {
    expect(render("{{ campaign_name }}-{{ group_name }}", { campaign_name: "spring_sale", group_name: "vip" })).toBe("spring_sale-vip");
  });

  it("renders file_number with seven digits, 1 when none is given", () => {
    expect(render("part_{{ file_number }}", { file_number: 42 })).toBe("part_0000042");
    expect(render("part_{{ file_number }}", { file_number: 1234567 })).toBe("part_1234567");
    expect(render("part_{{ file_number }}")).toBe("part_0000001");
    const error = thrown(() => render("part_{{ file_number }}", { file_number: 1.5 }));
    expect(error.code).toBe("template.invalid-value");
    expect(error.message).toBe("file_number must be a whole number of at least 0, not 1.5");
  });

  it("renders quoted text in either quote, with backslash escapes", () => {
    expect(render("a{{ '_' }}b{{ \"-x-\" }}c")).toBe("a_b-x-c");
    expect(render("{{ 'it\\'s' }}")).toBe("it's");
    expect(render("{{ \"{{ }}\" }}")).toBe("{{ }}");
  });

  it("accepts expressions with or without spaces", () => {
    const tight = render("{{now|local:'Asia/Tokyo'|format:'yyyy-MM-dd HH'}}");
    expect(tight).toBe("2025-01-31 21");
    expect(render("{{   now | local : 'Asia/Tokyo' | format : 'yyyy-MM-dd HH'   }}")).toBe(tight);
  });

  it("renders every expression of a template independently", () => {
    expect(render("{{ now|format:'yyyy' }}/{{ now|local:'Asia/Tokyo'|next_day|format:'MM-dd' }}/{{ now }}")).toBe(
      "2025/02-01/2025-01-31T12-34-56",
    );
  });

  it("refuses to render campaign_name or group_name without a value", () => {
    const error = thrown(() => render("x_{{ campaign_name }}"));
    expect(error.code).toBe("template.missing-value");
    expect(error.category).toBe("invalid-input");
    expect(error.message).toBe(
      'The file-name template "x_{{ campaign_name }}" uses {{ campaign_name }}, but this send has no campaign name; add campaign: { name: ... } to the job or remove {{ campaign_name }} from the template',
    );
    expect(thrown(() => render("{{ group_name }}", { campaign_name: "c" })).message).toContain(
      "uses {{ group_name }}, but this send has no campaign group; add campaign: { group: ... }",
    );
  });

  it("says which variables a template uses", () => {
    const template = FileNameTemplate.parse("{{ campaign_name }}_{{ now|format:'yyyy' }}");
    expect(template.source).toBe("{{ campaign_name }}_{{ now|format:'yyyy' }}");
    expect(TEMPLATE_VARIABLES.filter((v) => template.uses(v))).toEqual(["now", "campaign_name"]);
    expect(FileNameTemplate.parse("{{ 'now' }}").uses("now")).toBe(false);
    expect(FileNameTemplate.parse("{{ file_number }}").uses("file_number")).toBe(true);
  });

  it("has a default template of the job name and the UTC date", () => {
    expect(defaultFileNameTemplate("query_name")).toBe("query_name_{{ now|format:'yyyy_MM_dd' }}");
    expect(render(defaultFileNameTemplate("query_name"))).toBe("query_name_2025_01_31");
  });
});

describe("format filter (Joda patterns)", () => {
  const d = at("2025-03-04T05:06:07.089Z"); // a Tuesday
  it.each([
    ["yyyy", "2025"],
    ["yy", "25"],
    ["YYYY", "2025"],
    ["MM", "03"],
    ["M", "3"],
    ["MMM", "Mar"],
    ["MMMM", "March"],
    ["dd", "04"],
    ["d", "4"],
    ["HH", "05"],
    ["H", "5"],
    ["hh", "05"],
    ["mm", "06"],
    ["ss", "07"],
    ["SSS", "089"],
    ["S", "0"],
    ["a", "AM"],
    ["EEE", "Tue"],
    ["EEEE", "Tuesday"],
    ["Z", "+0000"],
    ["ZZ", "+00:00"],
    ["ZZZ", "UTC"],
    ["yyyy_MM_dd", "2025_03_04"],
    ["yyyyMMdd-HHmmss", "20250304-050607"],
  ])("%s → %s", (pattern, expected) => {
    expect(formatJoda(d, pattern)).toBe(expected);
    expect(now(`format:'${pattern}'`, d.toISOString())).toBe(expected);
  });

  it("tells mm (minutes) from MM (month)", () => {
    expect(formatJoda(at("2025-11-02T00:45:00Z"), "MM mm")).toBe("11 45");
  });

  it("uses the calendar year for YYYY, also in the last days of December", () => {
    // 2024-12-30 belongs to ISO week 1 of 2025; YYYY must still say 2024.
    expect(formatJoda(at("2024-12-30T10:00:00Z"), "YYYY-MM-dd")).toBe("2024-12-30");
  });

  it("renders the 12-hour clock", () => {
    expect(formatJoda(at("2025-03-04T17:08:00Z"), "h:mm a")).toBe("5:08 PM");
    expect(formatJoda(at("2025-03-04T00:08:00Z"), "hh:mm a")).toBe("12:08 AM");
    expect(formatJoda(at("2025-03-04T12:00:00Z"), "hh a")).toBe("12 PM");
  });

  it("copies quoted text and other characters, with '' as a quote", () => {
    expect(formatJoda(d, "yyyy-MM-dd'T'HH")).toBe("2025-03-04T05");
    expect(formatJoda(d, "'week of' MMM d")).toBe("week of Mar 4");
    expect(formatJoda(d, "HH 'o''clock'")).toBe("05 o'clock");
    expect(formatJoda(d, "''yy''")).toBe("'25'");
    expect(formatJoda(d, "yyyy/MM/dd.")).toBe("2025/03/04.");
    expect(now("format:\"yyyy'T'HH\"", d.toISOString())).toBe("2025T05");
  });

  it("formats in a given zone", () => {
    expect(formatJoda(d, "yyyy-MM-dd HH:mm ZZ", "Asia/Kolkata")).toBe("2025-03-04 10:36 +05:30");
    expect(formatJoda(d, "yyyy-MM-dd HH:mm Z", "America/Los_Angeles")).toBe("2025-03-03 21:06 -0800");
  });

  it("refuses unknown pattern letters, naming them", () => {
    expect(messages("{{ now|format:'yyyy-qq-ww' }}")).toEqual([
      `format pattern "yyyy-qq-ww": unknown pattern letters "q", "w"; allowed: yyyy, yy, YYYY (calendar year), MM, M, MMM (Jan), dd, d, HH, H, hh, mm (minutes), ss, SSS, a (AM/PM), EEE (Mon), Z (-0800), ZZ (-08:00), and 'quoted text'. Quote other letters, as in 'T' (in "{{ now|format:'yyyy-qq-ww' }}")`,
    ]);
    const error = thrown(() => formatJoda(d, "yyyyTHH"));
    expect(error.code).toBe("template.invalid");
    expect(error.message).toContain('unknown pattern letter "T"');
  });

  it("refuses an unclosed quote in a pattern", () => {
    expect(messages(`{{ now|format:"yyyy'T" }}`)).toEqual([
      `format pattern "yyyy'T": quoted text starting at character 5 is not closed; end it with ' (write '' for a quote) (in "{{ now|format:"yyyy'T" }}")`,
    ]);
  });
});

describe("local filter", () => {
  const la = (iso: string) => now("local:'America/Los_Angeles'|format:'yyyy-MM-dd HH:mm:ss Z'", iso);

  it("renders the wall time of the zone", () => {
    expect(now("local:'Asia/Kolkata'", "2025-01-31T12:00:00Z")).toBe("2025-01-31T17-30-00");
    expect(now("local:'Asia/Tokyo'|format:'yyyy-MM-dd'", "2025-12-31T15:00:00Z")).toBe("2026-01-01");
    expect(now("local:'UTC'|format:'HH:mm'", "2025-06-01T08:15:00Z")).toBe("08:15");
  });

  it("follows the spring-forward change in America/Los_Angeles on 2025-03-09", () => {
    expect(la("2025-03-09T09:59:59Z")).toBe("2025-03-09 01:59:59 -0800");
    expect(la("2025-03-09T10:00:00Z")).toBe("2025-03-09 03:00:00 -0700");
  });

  it("follows the fall-back change in America/Los_Angeles on 2025-11-02", () => {
    expect(la("2025-11-02T08:30:00Z")).toBe("2025-11-02 01:30:00 -0700");
    expect(la("2025-11-02T09:30:00Z")).toBe("2025-11-02 01:30:00 -0800");
    expect(la("2025-11-02T10:00:00Z")).toBe("2025-11-02 02:00:00 -0800");
  });

  it("accepts a zone in any letter case and prints its canonical name", () => {
    expect(now("local:'america/los_angeles'|format:'ZZZ'", "2025-01-01T00:00:00Z")).toBe("America/Los_Angeles");
  });

  it("refuses an unknown zone, naming it", () => {
    expect(messages("{{ now|local:'Mars/Olympus_Mons' }}")).toEqual([
      `unknown time zone "Mars/Olympus_Mons"; use an IANA time zone name such as "America/Los_Angeles", "Europe/Berlin" or "UTC" (in "{{ now|local:'Mars/Olympus_Mons' }}")`,
    ]);
    const error = thrown(() => formatJoda(new Date(0), "yyyy", "PST8PDT-ish"));
    expect(error.code).toBe("template.invalid");
    expect(error.message).toContain('unknown time zone "PST8PDT-ish"');
  });
});

describe("next_day filter", () => {
  const nextDay = (iso: string) => now("next_day|format:'yyyy-MM-dd HH:mm'", iso);

  it("moves one calendar day across month and year ends", () => {
    expect(nextDay("2025-01-31T12:00:00Z")).toBe("2025-02-01 12:00");
    expect(nextDay("2025-04-30T23:59:00Z")).toBe("2025-05-01 23:59");
    expect(nextDay("2025-12-31T08:00:00Z")).toBe("2026-01-01 08:00");
  });

  it("handles leap days", () => {
    expect(nextDay("2024-02-28T00:00:00Z")).toBe("2024-02-29 00:00");
    expect(nextDay("2024-02-29T00:00:00Z")).toBe("2024-03-01 00:00");
    expect(nextDay("2025-02-28T00:00:00Z")).toBe("2025-03-01 00:00");
    expect(nextDay("2000-02-28T00:00:00Z")).toBe("2000-02-29 00:00");
    expect(nextDay("2100-02-28T00:00:00Z")).toBe("2100-03-01 00:00");
  });

  it("can be applied more than once", () => {
    expect(now("next_day|next_day|format:'yyyy-MM-dd'", "2024-02-28T10:00:00Z")).toBe("2024-03-01");
  });

  describe("in America/Los_Angeles", () => {
    const laNextDay = (iso: string) => now("local:'America/Los_Angeles'|next_day|format:'yyyy-MM-dd HH:mm Z'", iso);

    it("keeps the wall time across spring forward (a 23-hour day)", () => {
      expect(laNextDay("2025-03-08T18:30:00Z")).toBe("2025-03-09 10:30 -0700");
    });

    it("moves a time skipped by spring forward later by the gap", () => {
      // 2025-03-08 02:30 PST; 2025-03-09 02:30 does not exist.
      expect(laNextDay("2025-03-08T10:30:00Z")).toBe("2025-03-09 03:30 -0700");
    });

    it("keeps the wall time across fall back (a 25-hour day)", () => {
      expect(laNextDay("2025-11-01T19:00:00Z")).toBe("2025-11-02 12:00 -0800");
    });

    it("keeps the offset for a time repeated by fall back", () => {
      expect(laNextDay("2025-11-01T08:30:00Z")).toBe("2025-11-02 01:30 -0700"); // from 01:30 PDT
      expect(laNextDay("2025-11-02T09:30:00Z")).toBe("2025-11-03 01:30 -0800"); // from the second 01:30
      expect(laNextDay("2025-11-02T08:30:00Z")).toBe("2025-11-03 01:30 -0800"); // from the first 01:30
    });

    it("uses the zone's date at month and year ends", () => {
      // 2025-12-31 23:30 in Los Angeles is already 2026-01-01 in UTC.
      expect(laNextDay("2026-01-01T07:30:00Z")).toBe("2026-01-01 23:30 -0800");
      expect(now("next_day|format:'yyyy-MM-dd'", "2026-01-01T07:30:00Z")).toBe("2026-01-02");
      expect(laNextDay("2024-02-29T07:59:00Z")).toBe("2024-02-29 23:59 -0800");
    });

    it("applies filters in order: next_day before local moves 24 hours in UTC", () => {
      expect(now("next_day|local:'America/Los_Angeles'|format:'yyyy-MM-dd HH:mm Z'", "2025-03-08T18:30:00Z")).toBe(
        "2025-03-09 11:30 -0700",
      );
    });
  });
});

describe("rendered names", () => {
  it("makes folders with / and strips a leading /", () => {
    expect(render("/exports/{{ campaign_name }}/{{ now|format:'yyyy/MM' }}/data", { campaign_name: "spring" })).toBe(
      "exports/spring/2025/01/data",
    );
  });

  it("refuses .. and . folders and empty folders", () => {
    const error = thrown(() => render("exports/{{ campaign_name }}/x", { campaign_name: ".." }));
    expect(error.code).toBe("template.invalid-name");
    expect(error.category).toBe("invalid-input");
    expect(error.message).toBe(
      'The file name "exports/../x" rendered from the template "exports/{{ campaign_name }}/x" has a ".." folder; a "/" starts a folder, so each folder and the name itself must be non-empty and neither "." nor ".."',
    );
    expect(thrown(() => render("a//b")).message).toContain('"a//b" rendered from the template "a//b" has an empty folder (//)');
    expect(thrown(() => render("a/./b")).message).toContain('has a "." folder');
    expect(thrown(() => render("reports/")).code).toBe("template.invalid-name");
    expect(thrown(() => render("/")).message).toContain('The file name "/" rendered from the template "/" is empty');
  });

  it("reports names that cannot be valid as problems at validation time", () => {
    expect(FileNameTemplate.problems("a/../{{ now }}", "template.file_name")).toEqual([
      {
        path: "template.file_name",
        message: expect.stringContaining('has a ".." folder'),
        severity: "error",
      },
    ]);
  });
});

describe("problems", () => {
  it("has none for valid templates", () => {
    expect(FileNameTemplate.problems("{{ campaign_name }}_{{ now|local:'Europe/Berlin'|next_day|format:'yyyy_MM_dd' }}")).toEqual([]);
  });

  it("names unknown variables and lists the allowed ones", () => {
    expect(FileNameTemplate.problems("x_{{ campaign }}")).toEqual([
      { path: "template.file_name", message: `unknown variable "campaign" in "{{ campaign }}"; ${ALLOWED}`, severity: "error" },
    ]);
    expect(messages("{{ NOW }}")).toEqual([`unknown variable "NOW" in "{{ NOW }}"; ${ALLOWED}`]);
  });

  it("names unknown filters and lists the allowed ones", () => {
    expect(messages("{{ now|date:'yyyy' }}")).toEqual([`unknown filter "date" in "{{ now|date:'yyyy' }}"; ${ALLOWED_FILTERS}`]);
    expect(messages("{{ now|upper }}")).toEqual([`unknown filter "upper" in "{{ now|upper }}"; ${ALLOWED_FILTERS}`]);
  });

  it("refuses filters on anything but now", () => {
    expect(messages("{{ campaign_name|format:'yyyy' }}")).toEqual([
      `filter "format" in "{{ campaign_name|format:'yyyy' }}" applies only to now; campaign_name takes no filters`,
    ]);
    expect(messages("{{ 'x'|next_day }}")).toEqual([`filter "next_day" in "{{ 'x'|next_day }}" applies only to now; quoted text takes no filters`]);
    expect(messages("{{ file_number|local:'UTC' }}")).toHaveLength(1);
  });

  it("refuses unclosed and empty expressions", () => {
    expect(messages("a_{{ now")).toEqual([`"{{" at character 3 is not closed with "}}"`]);
    expect(messages("a_{{ now }}_{{")).toEqual([`"{{" at character 13 is not closed with "}}"`]);
    expect(messages("x{{ }}")).toEqual([`empty expression "{{ }}" at character 2; write one of now, campaign_name, group_name, file_number, or quoted text such as '_'`]);
    expect(messages("{{}}")).toHaveLength(1);
  });

  it("refuses missing and extra filter arguments", () => {
    expect(messages("{{ now|local }}")).toEqual([`filter "local" in "{{ now|local }}" needs a quoted argument, as in local:'America/Los_Angeles'`]);
    expect(messages("{{ now|format }}")).toEqual([`filter "format" in "{{ now|format }}" needs a quoted argument, as in format:'yyyy-MM-dd'`]);
    expect(messages("{{ now|next_day:'2' }}")).toEqual([`filter "next_day" in "{{ now|next_day:'2' }}" takes no argument`]);
    expect(messages("{{ now|local: }}")).toEqual([`filter "local" in "{{ now|local: }}" needs a quoted argument after ":", as in local:'…'`]);
  });

  it("requires format to be the last filter", () => {
    expect(messages("{{ now|format:'yyyy'|next_day }}")).toEqual([
      `filter "format" in "{{ now|format:'yyyy'|next_day }}" must be the last filter: it turns the date into text`,
    ]);
  });

  it("reports syntax errors", () => {
    expect(messages("{{ now format }}")).toEqual([
      `unexpected "format" in "{{ now format }}"; separate filters with "|", as in {{ now|format:'yyyy' }}`,
    ]);
    expect(messages("{{ now| }}")).toEqual([
      `"|" in "{{ now| }}" must be followed by a filter name; allowed: local:'<IANA time zone>', next_day, format:'<Joda pattern>'`,
    ]);
    expect(messages("{{ now + 1 }}")).toEqual([`unexpected character "+" at character 8 in "{{ now + 1 }}"`]);
    expect(messages("{{ now|local:'UTC }}")).toEqual([`quoted text starting at character 14 is not closed with ' in "{{ now|local:'UTC }}"`]);
    expect(messages("{{ |now }}")).toEqual([
      `"{{ |now }}" must start with one of now, campaign_name, group_name, file_number, or quoted text such as '_'`,
    ]);
  });

  it("reports every problem at once, under the given path", () => {
    const problems = FileNameTemplate.problems("{{ foo }}_{{ now|bar }}_{{ now|local:'Nowhere/City' }}_{{ now|format:'qq' }}", "jobs.0.template.file_name");
    expect(problems.map((p) => p.path)).toEqual(Array(4).fill("jobs.0.template.file_name"));
    expect(problems.map((p) => p.message.split(/ in "|;/)[0])).toEqual([
      'unknown variable "foo"',
      'unknown filter "bar"',
      'unknown time zone "Nowhere/City"',
      'format pattern "qq": unknown pattern letter "q"',
    ]);
  });

  it("parse throws template.invalid with the problems", () => {
    const source = "{{ foo }}{{ now|bar }}";
    const error = thrown(() => FileNameTemplate.parse(source, "template.file_name"));
    expect(error.code).toBe("template.invalid");
    expect(error.category).toBe("invalid-input");
    expect(error.details?.problems).toEqual(FileNameTemplate.problems(source));
    expect(error.message).toBe(
      `Invalid file-name template "${source}":\ntemplate.file_name: unknown variable "foo" in "{{ foo }}"; ${ALLOWED}\n` +
        `template.file_name: unknown filter "bar" in "{{ now|bar }}"; ${ALLOWED_FILTERS}`,
    );
  });
});

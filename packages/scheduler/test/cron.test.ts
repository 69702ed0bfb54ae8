import { ConnectorError } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { checkTimeZone, parseCron, type CronMode } from "../src/index.js";

/** The slots in (from, until], as ISO strings. */
function slots(expression: string, from: string, until: string, options: { timezone?: string; mode?: CronMode } = {}): string[] {
  return parseCron(expression, options.mode)
    .between(new Date(from), new Date(until), options.timezone ?? "UTC")
    .map((d) => d.toISOString());
}

const days = (list: string[]) => list.map((iso) => Number(iso.slice(8, 10)));

describe("the seed's schedule drop-down", () => {
  it("@daily (midnight) runs once a day at midnight in the specified time zone", () => {
    expect(slots("@daily", "2025-01-01T00:00:00Z", "2025-01-03T23:59:00Z", { timezone: "Asia/Tokyo" })).toEqual([
      "2025-01-01T15:00:00.000Z",
      "2025-01-02T15:00:00.000Z",
      "2025-01-03T15:00:00.000Z",
    ]);
    expect(slots("@daily", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z")).toEqual(["2025-01-02T00:00:00.000Z"]);
  });

  it("@hourly (:00) runs every hour at 00 minutes", () => {
    expect(slots("@hourly", "2025-01-01T10:15:00Z", "2025-01-01T13:00:00Z")).toEqual(["2025-01-01T11:00:00.000Z", "2025-01-01T12:00:00.000Z", "2025-01-01T13:00:00.000Z"]);
  });

  it('None ("") has no scheduled run time', () => {
    const never = parseCron("");
    expect(never.next(new Date("2025-01-01T00:00:00Z"), "UTC")).toBeUndefined();
    expect(never.between(new Date("2025-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"), "UTC")).toEqual([]);
  });
});

describe("the seed's custom cron values", () => {
  it("0 * * * * runs once an hour", () => {
    expect(slots("0 * * * *", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z")).toHaveLength(24);
  });

  it("0 0 * * * runs once a day at midnight", () => {
    expect(slots("0 0 * * *", "2025-01-01T00:00:00Z", "2025-01-04T00:00:00Z")).toEqual(["2025-01-02T00:00:00.000Z", "2025-01-03T00:00:00.000Z", "2025-01-04T00:00:00.000Z"]);
  });

  it("0 0 1 * * runs once a month at midnight on the morning of the first day", () => {
    expect(slots("0 0 1 * *", "2025-01-01T00:00:00Z", "2025-04-01T00:00:00Z")).toEqual(["2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z"]);
  });
});

describe("the seed's field values", () => {
  it("a wildcard: '0 0 1 * *' runs at midnight on the first day of each month", () => {
    expect(days(slots("0 0 1 * *", "2024-12-31T00:00:00Z", "2025-12-31T00:00:00Z"))).toEqual(Array(12).fill(1));
  });

  it("a range: '0 0 1-10 * *' runs at midnight on the first 10 days of each month", () => {
    expect(days(slots("0 0 1-10 * *", "2025-01-31T00:00:00Z", "2025-03-01T00:00:00Z"))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1]);
  });

  it("a list: '0 0 1,11,21 * *' runs at midnight every 1st, 11th and 21st", () => {
    expect(days(slots("0 0 1,11,21 * *", "2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z"))).toEqual([1, 11, 21, 1, 11, 21]);
  });

  it("a periodicity: '30 */2 1 * *' runs on the 1st of every month, every 2 hours starting at 00:30", () => {
    const list = slots("30 */2 1 * *", "2025-01-31T00:00:00Z", "2025-03-01T02:30:00Z");
    expect(list.slice(0, 12).map((iso) => iso.slice(0, 16))).toEqual(
      Array.from({ length: 12 }, (_, i) => `2025-02-01T${String(i * 2).padStart(2, "0")}:30`),
    );
    expect(list.slice(12)).toEqual(["2025-03-01T00:30:00.000Z", "2025-03-01T02:30:00.000Z"]);
  });

  it("'0 0 */5 * *' in td mode runs at midnight every 5 days starting on the 5th", () => {
    expect(days(slots("0 0 */5 * *", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", { mode: "td" }))).toEqual([5, 10, 15, 20, 25, 30]);
  });

  it("'0 0 */5 * *' in standard mode counts from the field's first value (Vixie): the 1st, 6th, 11th …", () => {
    expect(days(slots("0 0 */5 * *", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"))).toEqual([6, 11, 16, 21, 26, 31, 1]);
  });

  it("a list mixing kinds: '0 0 5,*/10,25 * *' in td mode runs on the 5th, 10th, 20th and 25th (and the 30th, a multiple of 10 the seed's sentence leaves out)", () => {
    expect(days(slots("0 0 5,*/10,25 * *", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", { mode: "td" }))).toEqual([5, 10, 20, 25, 30]);
    expect(days(slots("0 0 5,*/10,25 * *", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"))).toEqual([5, 11, 21, 25, 31, 1]);
  });

  it("'2,*/5,8-10' mixes a value, a step and a range in one field", () => {
    expect(slots("2,*/20,8-10 0 1 1 *", "2024-12-31T00:00:00Z", "2025-01-02T00:00:00Z").map((iso) => Number(iso.slice(14, 16)))).toEqual([0, 2, 8, 9, 10, 20, 40]);
  });

  it("named days of the week and months", () => {
    expect(slots("0 9 * jan,feb mon-fri", "2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z").slice(0, 3)).toEqual(["2025-01-31T09:00:00.000Z", "2025-02-03T09:00:00.000Z", "2025-02-04T09:00:00.000Z"]);
    expect(slots("0 0 * dec sun,sat", "2025-12-01T00:00:00Z", "2025-12-08T00:00:00Z")).toEqual(["2025-12-06T00:00:00.000Z", "2025-12-07T00:00:00.000Z"]);
  });
});

describe("day of month and day of week both restricted", () => {
  it("standard (Vixie): '0 0 1 * 1' runs on the 1st and on every Monday", () => {
    expect(days(slots("0 0 1 * 1", "2025-08-31T00:00:00Z", "2025-09-30T00:00:00Z"))).toEqual([1, 8, 15, 22, 29]);
    expect(days(slots("0 0 1 * 1", "2025-09-30T00:00:00Z", "2025-10-31T00:00:00Z"))).toEqual([1, 6, 13, 20, 27]);
  });

  it("td: '0 0 1 * 1' follows the more frequent specification — every Monday at 00:00, not the 1st", () => {
    expect(days(slots("0 0 1 * 1", "2025-09-30T00:00:00Z", "2025-10-31T00:00:00Z", { mode: "td" }))).toEqual([6, 13, 20, 27]);
  });

  it("td: a day-of-month list selecting more days than the weekdays wins instead", () => {
    expect(days(slots("0 0 1-20 * sat", "2025-09-30T00:00:00Z", "2025-10-31T00:00:00Z", { mode: "td" }))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe("time zones and DST (America/Los_Angeles)", () => {
  const tz = { timezone: "America/Los_Angeles" };

  it("@daily is local midnight on both sides of the spring change (PST 08:00Z, then PDT 07:00Z)", () => {
    expect(slots("@daily", "2025-03-08T00:00:00Z", "2025-03-11T00:00:00Z", tz)).toEqual(["2025-03-08T08:00:00.000Z", "2025-03-09T08:00:00.000Z", "2025-03-10T07:00:00.000Z"]);
  });

  it("a 02:30 slot that does not exist on 9 March 2025 runs once that day, an hour later in wall time", () => {
    expect(slots("30 2 * * *", "2025-03-08T00:00:00Z", "2025-03-11T00:00:00Z", tz)).toEqual(["2025-03-08T10:30:00.000Z", "2025-03-09T10:30:00.000Z", "2025-03-10T09:30:00.000Z"]);
  });

  it("a 01:30 slot that happens twice on 2 November 2025 runs once (the first 01:30, PDT)", () => {
    expect(slots("30 1 * * *", "2025-11-01T00:00:00Z", "2025-11-04T00:00:00Z", tz)).toEqual(["2025-11-01T08:30:00.000Z", "2025-11-02T08:30:00.000Z", "2025-11-03T09:30:00.000Z"]);
  });

  it("hourly slots: 23 on the spring day, 25 on the fall day", () => {
    expect(slots("0 * * * *", "2025-03-09T07:59:00Z", "2025-03-10T06:59:00Z", tz)).toHaveLength(23);
    expect(slots("0 * * * *", "2025-11-02T06:59:00Z", "2025-11-03T07:59:00Z", tz)).toHaveLength(25);
  });
});

describe("month ends", () => {
  it("the 31st skips months without one", () => {
    expect(slots("0 0 31 * *", "2025-01-01T00:00:00Z", "2025-12-31T23:00:00Z").map((iso) => iso.slice(0, 10))).toEqual(["2025-01-31", "2025-03-31", "2025-05-31", "2025-07-31", "2025-08-31", "2025-10-31", "2025-12-31"]);
  });

  it("29 February runs in leap years only", () => {
    expect(parseCron("0 0 29 2 *").next(new Date("2025-01-01T00:00:00Z"), "UTC")?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });

  it("the 30th skips February; the last day of a month rolls into the next in a zone behind UTC", () => {
    expect(slots("0 0 30 * *", "2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z")).toEqual(["2025-03-30T00:00:00.000Z"]);
    expect(slots("0 23 31 * *", "2025-01-01T08:00:00Z", "2025-02-02T00:00:00Z", { timezone: "America/Los_Angeles" })).toEqual(["2025-02-01T07:00:00.000Z"]);
  });
});

describe("refusals name the field and what is allowed", () => {
  const refusal = (expression: string, mode?: CronMode) => {
    try {
      parseCron(expression, mode);
    } catch (error) {
      expect(ConnectorError.is(error)).toBe(true);
      const e = error as ConnectorError;
      expect(e.category).toBe("invalid-input");
      expect(e.code).toBe("schedule.invalid-cron");
      expect(e.message).toContain(`cron: "${expression}" is not a valid cron expression`);
      expect(e.message).toContain("allowed: five fields separated by single spaces");
      return e.message;
    }
    throw new Error(`"${expression}" was accepted`);
  };

  it("out-of-range values", () => {
    expect(refusal("0 0 32 * *")).toContain("32");
    expect(refusal("60 * * * *")).toContain("60");
    expect(refusal("0 0 * 13 *")).toContain("13");
  });

  it("the wrong number of fields, and more than one space between fields", () => {
    expect(refusal("0 0 * *")).toContain("found 4 fields");
    expect(refusal("0 0 0 * * *")).toContain("found 6 fields");
    expect(refusal("0  0 * * *")).toContain("exactly one space");
  });

  it("unknown shortcuts, names and extensions the seed does not list", () => {
    expect(refusal("@weekly")).toContain("unknown shortcut @weekly");
    refusal("0 0 * * funday");
    expect(refusal("0 0 L * *")).toContain("day of month");
    expect(refusal("0 0 * * 1#2")).toContain("day of week");
  });

  it("a date that never happens, and a td step larger than the field", () => {
    refusal("0 0 30 2 *");
    expect(refusal("0 0 */40 * *", "td")).toContain("step */40 must be between 1 and 31");
  });

  it("an unknown time zone", () => {
    expect(() => checkTimeZone("Mars/Olympus")).toThrow('timezone: "Mars/Olympus" is not an IANA time zone; allowed: names such as UTC, America/Los_Angeles');
    expect(checkTimeZone("America/Los_Angeles")).toBe("America/Los_Angeles");
  });
});

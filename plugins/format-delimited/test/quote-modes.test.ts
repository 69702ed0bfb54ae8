import type { Row, Schema } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { formatText } from "./helpers.js";

const schema: Schema = {
  columns: [
    { name: "s", type: "string", nullable: true },
    { name: "t", type: "string", nullable: true },
    { name: "n", type: "int", nullable: true },
    { name: "b", type: "boolean", nullable: true },
  ],
};
const rows: Row[] = [
  ["x", "", 7, true],
  [null, 'say "hi"', null, false],
  ["a\r\nb", "p,q", -1, null],
];

// Expected text per Apache Commons CSV QuoteMode (null value empty, LF endings), except that a
// string equal to the null text (here the empty string `t` of the first row) is quoted, which
// Commons does not do; README "Where we quote more than Commons CSV".
const cases: Array<[string, Record<string, unknown>, string[]]> = [
  ["minimal", {}, ["s,t,n,b", 'x,"",7,true', ',"say ""hi""",,false', '"a\r\nb","p,q",-1,']],
  ["all (quotes nulls too, as Commons CSV)", { quote_mode: "all" }, ['"s","t","n","b"', '"x","","7","true"', '"","say ""hi""","","false"', '"a\r\nb","p,q","-1",""']],
  ["all_non_null", { quote_mode: "all_non_null" }, ['"s","t","n","b"', '"x","","7","true"', ',"say ""hi""",,"false"', '"a\r\nb","p,q","-1",']],
  ["non_numeric (from the column types)", { quote_mode: "non_numeric" }, ['"s","t","n","b"', '"x","",7,"true"', ',"say ""hi""",,"false"', '"a\r\nb","p,q",-1,']],
  ["none with escape: delimiter and escape prefixed, CR and LF as \\r and \\n, quotes left alone", { quote_mode: "none", escape_character: "\\" }, ["s,t,n,b", "x,,7,true", ',say "hi",,false', "a\\r\\nb,p\\,q,-1,"]],
  ["minimal with escape: quotes escaped inside quotes", { escape_character: "\\" }, ["s,t,n,b", 'x,"",7,true', ',"say \\"hi\\"",,false', '"a\r\nb","p,q",-1,']],
  ["minimal with a null value (an empty string after the first value is bare, as Commons CSV)", { null_value: "NULL" }, ["s,t,n,b", "x,,7,true", 'NULL,"say ""hi""",NULL,false', '"a\r\nb","p,q",-1,NULL']],
];

describe("quote modes", () => {
  for (const [name, settings, lines] of cases) {
    it(name, async () => {
      expect(await formatText("csv", settings, schema, rows)).toBe(lines.map((l) => l + "\n").join(""));
    });
  }

  it("quotes a value containing the escape character, and escapes that character inside quotes", async () => {
    expect(await formatText("csv", { escape_character: "\\", header: false }, schema, [["c:\\d", "plain", 1, true]])).toBe('"c:\\\\d",plain,1,true\n');
  });

  it("quotes, in minimal mode, a value starting with a character up to # or ending in one up to space, as Commons CSV", async () => {
    const values = [" a", "b\t", "#hash", "!bang", '"q', "$ok", "a#", "x ", "\u00a0nbsp"];
    const text = await formatText("csv", { header: false }, schema, values.map((v) => [v, v, null, null]));
    const expected = ['" a"', '"b\t"', '"#hash"', '"!bang"', '"""q"', "$ok", "a#", '"x "', "\u00a0nbsp"];
    expect(text).toBe(expected.map((v) => `${v},${v},,\n`).join(""));
  });

  it("quotes an empty value opening a record only (as Commons CSV), so a one-column row is never a blank line", async () => {
    const one: Schema = { columns: [{ name: "v", type: "string", nullable: true }] };
    expect(await formatText("csv", { null_value: "NULL", header: false }, one, [[""], [null], ["x"]])).toBe('""\nNULL\nx\n');
    expect(await formatText("csv", { null_value: "NULL", header: false }, schema, [["", "", null, null]])).toBe('"",,NULL,NULL\n');
  });

  it("quotes a real string equal to the null value so it stays distinct from null (Commons CSV writes it bare)", async () => {
    expect(await formatText("csv", { null_value: "NULL", header: false }, schema, [["NULL", null, null, null]])).toBe('"NULL",NULL,NULL,NULL\n');
  });

  it("writes the null text in mode all quoted but not escaped, as Commons CSV", async () => {
    const settings = { quote_mode: "all", escape_character: "\\", null_value: "\\N", header: false };
    expect(await formatText("csv", settings, schema, [["\\N", null, null, null]])).toBe('"\\\\N","\\N","\\N","\\N"\n');
  });

  it("quotes header names as Commons CSV quotes the header record: an empty first name, a leading #", async () => {
    const named: Schema = { columns: [{ name: "", type: "string", nullable: true }, { name: "#id", type: "long", nullable: true }, { name: "", type: "string", nullable: true }] };
    expect(await formatText("csv", { null_value: "NULL" }, named, [])).toBe('"","#id",\n');
    expect(await formatText("csv", { quote_mode: "none", escape_character: "\\" }, { columns: [{ name: "a,b\nc", type: "string", nullable: true }] }, [])).toBe("a\\,b\\nc\n");
  });

  it("writes CRLF line endings and no header when asked", async () => {
    expect(await formatText("csv", { line_ending: "CRLF", header: false }, schema, rows.slice(0, 2))).toBe('x,"",7,true\r\n,"say ""hi""",,false\r\n');
  });

  it("uses the id's delimiter, and quotes by it", async () => {
    expect(await formatText("tsv", { header: false }, schema, [["a\tb", "c,d", 1, true]])).toBe('"a\tb"\tc,d\t1\ttrue\n');
    expect(await formatText("psv", { header: false }, schema, [["a|b", "c,d", 1, true]])).toBe('"a|b"|c,d|1|true\n');
    expect(await formatText("delimited", { delimiter: ";", header: false }, schema, [["a;b", "c,d", 1, true]])).toBe('"a;b";c,d;1;true\n');
  });
});

describe("values by column type", () => {
  const typed: Schema = {
    columns: [
      { name: "id", type: "long", nullable: false },
      { name: "price", type: "decimal", nullable: true },
      { name: "ratio", type: "double", nullable: true },
      { name: "ok", type: "boolean", nullable: true },
      { name: "at", type: "timestamp", nullable: true },
      { name: "day", type: "date", nullable: true },
    ],
  };

  it("writes exact longs, plain decimals, ISO-8601 UTC timestamps, yyyy-MM-dd dates, true/false", async () => {
    const row: Row = [
      9223372036854775807n,
      "1.25e-7",
      0.1,
      false,
      new Date(Date.UTC(2025, 0, 31, 23, 59, 58, 7)),
      new Date(Date.UTC(2024, 1, 29)),
    ];
    expect(await formatText("csv", { header: false }, typed, [row])).toBe(
      "9223372036854775807,0.000000125,0.1,false,2025-01-31T23:59:58.007Z,2024-02-29\n",
    );
  });

  it("quotes typed values that contain the delimiter or equal the null value", async () => {
    // The second column is where the typed fast path would apply.
    const two: Schema = { columns: [typed.columns[5]!, typed.columns[2]!] };
    expect(await formatText("delimited", { delimiter: "-", header: false }, two, [[new Date(Date.UTC(2024, 1, 29)), -1.5]])).toBe('"2024-02-29"-"-1.5"\n');
    expect(await formatText("csv", { null_value: "0", header: false }, two, [[null, 0], [null, null]])).toBe('0,"0"\n0,0\n');
  });

  it("refuses an invalid Date with input.invalid-value naming the column", async () => {
    const error = await formatText("csv", {}, typed, [[1n, null, null, null, new Date(Number.NaN), null]]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "input.invalid-value", category: "invalid-input" });
    expect((error as Error).message).toContain('column "at" (timestamp): an invalid date');
  });

  it("writes a header of the column names, quoted per the mode", async () => {
    const text = await formatText("csv", { quote_mode: "non_numeric" }, typed, []);
    expect(text).toBe('"id","price","ratio","ok","at","day"\n');
  });
});

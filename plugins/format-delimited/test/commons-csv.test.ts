import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConnectorError, type Row, type Schema, type Value } from "@conveyor/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NONE_WITHOUT_ESCAPE, QUOTE_MODES, type QuoteMode } from "../src/index.js";
import { formatText } from "./helpers.js";

/**
 * Our output against Apache Commons CSV's CSVPrinter itself, byte for byte, for every format ×
 * quote mode × escape × null text × line ending. Commons runs once (one JVM) for all of them.
 *
 * Our settings correspond to `CSVFormat.DEFAULT` with the delimiter, the quote mode, the escape,
 * `nullString = null_value` (an omitted null_value is "") and `recordSeparator = line_ending`.
 * One documented difference: a non-null value equal to the null text is quoted by us (modes
 * other than none) where Commons may write it bare; the Java side is told to quote such a value
 * as Commons' ALL_NON_NULL would, so everything else is still Commons' own output.
 */

const JAR = "/usr/share/java/commons-csv.jar";
const SOURCE = fileURLToPath(new URL("./commons/PrintWithCommonsCsv.java", import.meta.url));
const INSTALL = "install the Debian packages default-jdk-headless (javac, java) and libcommons-csv-java (/usr/share/java/commons-csv.jar)";

const FLAVORS: Array<[id: string, extra: Record<string, unknown>, delimiter: string]> = [
  ["csv", {}, ","],
  ["tsv", {}, "\t"],
  ["psv", {}, "|"],
  ["delimited", { delimiter: ";" }, ";"],
];
const ESCAPES = [undefined, "\\"] as const;
const NULL_VALUES: Array<[name: string, value: string | undefined]> = [
  ["unset", undefined],
  ["\\N", "\\N"],
  ["empty", ""],
];
const LINE_ENDINGS = [
  ["LF", "\n"],
  ["CRLF", "\r\n"],
] as const;

const TRICKY = [
  "", "plain", "#hash", "!bang", "#", '"', '"quoted"', "$dollar", "x#", " lead", "trail ", " ", "\ttab", "tab\t",
  "a,b", "a\tb", "a|b", "a;b", 'say "hi"', "a\rb", "a\nb", "a\r\nb", "\r\n", "back\\slash", "\\", "\\r", 'a\\"b',
  "\\N", "N", "NULL", "12", "-3.5", "ünï中😀", "\u00a0nbsp", "\u0001ctl",
];

/** Column names test the header record: they go through the same quoting as data. */
const schema: Schema = {
  columns: [
    { name: "#s", type: "string", nullable: true },
    { name: "t,;|\ttab", type: "string", nullable: true },
    { name: 'say "n"', type: "long", nullable: true },
    { name: "x\\ ", type: "double", nullable: true },
    { name: "ünï b", type: "boolean", nullable: true },
    { name: "!u", type: "string", nullable: true },
  ],
};
const LONGS = [0, -1, 9223372036854775807n, null];
const DOUBLES = [0.1, -2.5, 1e21, null];
const BOOLEANS = [true, false, null];
const rows: Row[] = [...TRICKY, null].map((v, i) => [v, v, LONGS[i % 4]!, DOUBLES[(i + 1) % 4]!, BOOLEANS[i % 3]!, v]);

/** One column with an empty name: an empty value opening a record is quoted, the header's too. */
const oneColumn: Schema = { columns: [{ name: "", type: "string", nullable: true }] };
const oneColumnRows: Row[] = [[""], [null], ["x"], ["\\N"], [" "], ["#"]];

interface Combination {
  name: string;
  id: string;
  settings: Record<string, unknown>;
  commons: { delimiter: string; quoteMode: QuoteMode; escape: string | undefined; nullString: string; recordSeparator: string };
}

const combinations: Combination[] = FLAVORS.flatMap(([id, extra, delimiter]) =>
  QUOTE_MODES.flatMap((quoteMode) =>
    ESCAPES.flatMap((escape) =>
      NULL_VALUES.flatMap(([nullName, nullValue]) =>
        LINE_ENDINGS.map(([lineEnding, recordSeparator]) => ({
          name: `${id} ${quoteMode} escape=${escape ?? "none"} null=${nullName} ${lineEnding}`,
          id,
          settings: {
            ...extra,
            quote_mode: quoteMode,
            line_ending: lineEnding,
            ...(escape !== undefined ? { escape_character: escape } : {}),
            ...(nullValue !== undefined ? { null_value: nullValue } : {}),
          },
          commons: { delimiter, quoteMode, escape, nullString: nullValue ?? "", recordSeparator },
        })),
      ),
    ),
  ),
);

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const field = (text: string | undefined) => (text === undefined ? "-" : base64(text));

/** A cell as the Java side reads it (see PrintWithCommonsCsv.java). */
function cell(value: Value, type: string, combination: Combination): string {
  if (value === null) return "-";
  const text = String(value);
  const { quoteMode, nullString } = combination.commons;
  if (quoteMode !== "none" && text === nullString) return `q${base64(text)}`;
  return `${type === "long" || type === "double" ? "n" : "s"}${base64(text)}`;
}

function section(combination: Combination, table: Schema, body: readonly Row[]): string[] {
  const c = combination.commons;
  const format = [c.delimiter, c.quoteMode.toUpperCase(), c.escape, c.nullString, c.recordSeparator];
  return [
    `FORMAT ${format.map((f, i) => (i === 1 ? f : field(f))).join(" ")}`,
    `HEADER ${table.columns.map((col) => base64(col.name)).join(" ")}`,
    ...body.map((row) => ["ROW", ...row.map((v, i) => cell(v, table.columns[i]!.type, combination))].join(" ")),
    "END",
  ];
}

type Printed = { ok: true; text: string } | { ok: false; message: string };

function compile(): string {
  const version = spawnSync("javac", ["-version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) {
    throw new Error(`javac is not available (${version.error?.message ?? version.stderr.trim()}): ${INSTALL}`);
  }
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: ${INSTALL}`);
  const dir = mkdtempSync(join(tmpdir(), "commons-csv-"));
  const built = spawnSync("javac", ["-d", dir, "-cp", JAR, SOURCE], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`javac failed on ${SOURCE}: ${built.stderr}`);
  return dir;
}

/** Prints every section with Commons CSV in one JVM; returns each section's output in order. */
function printWithCommons(classes: string, lines: string[]): Printed[] {
  const run = spawnSync("java", ["-cp", `${classes}:${JAR}`, "PrintWithCommonsCsv"], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error || run.status !== 0) throw new Error(`java PrintWithCommonsCsv failed: ${run.error?.message ?? run.stderr}`);
  return run.stdout
    .trimEnd()
    .split("\n")
    .map((line) => {
      const [status, data = ""] = line.split(" ");
      const text = Buffer.from(data, "base64").toString("utf8");
      return status === "OK" ? { ok: true, text } : { ok: false, message: text };
    });
}

describe("byte for byte against Apache Commons CSV's CSVPrinter", () => {
  let classes: string | undefined;
  const printed = new Map<string, { main: Printed; oneColumn: Printed }>();
  // A missing JDK or jar fails every comparison with the install hint (vitest would only report
  // a failing beforeAll as skipped tests).
  let unavailable: Error | undefined;

  beforeAll(() => {
    try {
      classes = compile();
    } catch (error) {
      unavailable = error as Error;
      return;
    }
    const sections = combinations.flatMap((c) => [...section(c, schema, rows), ...section(c, oneColumn, oneColumnRows)]);
    const results = printWithCommons(classes, sections);
    expect(results).toHaveLength(combinations.length * 2);
    combinations.forEach((c, i) => printed.set(c.name, { main: results[2 * i]!, oneColumn: results[2 * i + 1]! }));
  });
  afterAll(() => {
    if (classes) rmSync(classes, { recursive: true, force: true });
  });

  for (const combination of combinations) {
    const refusedByCommons = combination.commons.quoteMode === "none" && combination.commons.escape === undefined;
    it(`${combination.name}${refusedByCommons ? ": refused by both" : ""}`, async () => {
      if (unavailable) throw unavailable;
      const commons = printed.get(combination.name)!;
      for (const [table, body, result] of [
        [schema, rows, commons.main],
        [oneColumn, oneColumnRows, commons.oneColumn],
      ] as const) {
        if (refusedByCommons) {
          expect(result).toEqual({ ok: false, message: "No quotes mode set but no escape character is set" });
          const error = await formatText(combination.id, combination.settings, table, body).catch((e: unknown) => e);
          expect(ConnectorError.is(error)).toBe(true);
          expect(error).toMatchObject({ code: "settings.invalid", category: "invalid-input" });
          expect((error as Error).message).toContain(NONE_WITHOUT_ESCAPE);
        } else {
          if (!result.ok) throw new Error(`Commons CSV refused the settings: ${result.message}`);
          expect(await formatText(combination.id, combination.settings, table, body)).toBe(result.text);
        }
      }
    });
  }
});

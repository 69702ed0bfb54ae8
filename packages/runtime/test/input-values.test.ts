import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row, Schema } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { parseJsonExact } from "../src/input/json-lines.js";
import { readInput } from "../src/input/read-input.js";

const schema: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "day", type: "date", nullable: true },
    { name: "at", type: "timestamp", nullable: true },
  ],
};

/** NDJSON lines with every schema field (the first line's keys are the fields), from JSON source text per value. */
const ndjson = (...records: Array<Record<string, string>>) =>
  records.map((r) => `{${schema.columns.map((c) => `"${c.name}": ${r[c.name] ?? "null"}`).join(", ")}}\n`).join("");

async function read(name: string, text: string): Promise<Row[]> {
  const path = join(await mkdtemp(join(tmpdir(), "conveyor-input-")), name);
  await writeFile(path, text);
  const rows: Row[] = [];
  for await (const row of (await readInput(path, { schema })).rows) rows.push(row);
  return rows;
}

describe("input values", () => {
  it("NDJSON keeps every digit of a long beyond 2^53", async () => {
    const rows = await read("rows.ndjson", ndjson({ id: "9007199254740993" }, { id: "-9223372036854775808" }, { id: "12" }));
    expect(rows.map((r) => r[0])).toEqual([9007199254740993n, -9223372036854775808n, 12n]);
  });

  it("NDJSON: a long beyond 64 bits is refused, naming the record and column", async () => {
    await expect(read("rows.ndjson", ndjson({ id: "1" }, { id: "92233720368547758070" }))).rejects.toThrow(/rows\.ndjson record 2: column "id" \(long\): cannot read "92233720368547758070"; expected a 64-bit integer/);
  });

  it("an impossible date is an error naming the record and column, in CSV and NDJSON", async () => {
    await expect(read("rows.csv", "id,day,at\n1,2024-03-01,\n2,2024-02-30,\n")).rejects.toThrow(/rows\.csv record 2: column "day" \(date\): cannot read "2024-02-30"; expected a real calendar date/);
    await expect(read("rows.ndjson", ndjson({ id: "1", at: '"2024-02-30T10:00:00Z"' }))).rejects.toThrow(/rows\.ndjson record 1: column "at" \(timestamp\): cannot read "2024-02-30T10:00:00Z"; expected a real calendar date/);
  });

  it("reads yyyyMMdd dates (text or number) and timestamps with a UTC suffix", async () => {
    const day = new Date(Date.UTC(2024, 2, 10));
    const at = new Date("2024-03-10T12:00:00Z");
    expect(await read("rows.csv", "id,day,at\n1,20240310,2024-03-10 12:00:00 UTC\n")).toEqual([[1n, day, at]]);
    expect(await read("rows.ndjson", ndjson({ id: "1", day: "20240310", at: '"2024-03-10 12:00:00 UTC"' }))).toEqual([[1n, day, at]]);
  });
});

describe("parseJsonExact", () => {
  it("is JSON.parse for everything but integers beyond 2^53", () => {
    const text = '{"a": [1, -2.5e3, 0.1, true, false, null, "x\\"\\u00e9 1234567890123456789"], "b": {"c": {}}, "d": []}';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
    expect(parseJsonExact(' {"n": 12345678901234567890, "m": [9007199254740991, 9007199254740992, 1.2345678901234567e3]} ')).toEqual({
      n: 12345678901234567890n,
      m: [9007199254740991, 9007199254740992n, 1234.5678901234567],
    });
  });

  it("keeps a __proto__ key as data, as JSON.parse does", () => {
    const parsed = parseJsonExact('{"__proto__": {"x": 1}, "big": 12345678901234567890}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["__proto__", "big"]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("refuses what JSON.parse refuses", () => {
    for (const text of ['{"n": 12345678901234567890', '{"n": 12345678901234567890,}', '{n: 12345678901234567890}', "[12345678901234567890] x", '["\\x", 12345678901234567890]']) {
      expect(() => parseJsonExact(text), text).toThrow(SyntaxError);
    }
  });
});

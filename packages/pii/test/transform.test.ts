import { ConnectorError, type Row, type Schema } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { createPiiHasher, hashPii } from "../src/index.js";
import { sha256 } from "./helpers.js";

async function collect(rows: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function* from(rows: Row[]): AsyncGenerator<Row> {
  yield* rows;
}

// A customer table like the benchmark's (@conveyor/testkit), kept here so the package tests alone.
const customerSchema: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "email", type: "string", nullable: true, pii: "EMAIL" },
    { name: "first_name", type: "string", nullable: true, pii: "FIRST_NAME" },
    { name: "last_name", type: "string", nullable: true, pii: "LAST_NAME" },
    { name: "phone", type: "string", nullable: true, pii: "PHONE" },
    { name: "city", type: "string", nullable: true, pii: "CITY" },
    { name: "state", type: "string", nullable: true, pii: "STATE" },
    { name: "active", type: "boolean", nullable: false },
  ],
};
const FIRST = ["Olivia", "Liam", "Zoë", "Jürgen", "Chloé", "Mateo"];
const LAST = ["Smith", "O'Brien", "Le - Count", "Hernández"];
const CITIES = ["Dallas", "Seattle", "München", "Austin, TX"];
const STATES = ["Texas", "WA", "Bavaria", "tx."];

function customerRow(i: number): Row {
  const n = (Math.imul(i + 1, 2654435761) >>> 0) % 10_000_000;
  return [
    BigInt(i + 1),
    i % 101 === 0 ? "" : `User.${i}+tag@Example.com`,
    FIRST[i % FIRST.length]!,
    LAST[(i >>> 2) % LAST.length]!,
    i % 53 === 0 ? "555-1234" : `+1 (${200 + (n % 800)}) 555-${String(n % 10_000).padStart(4, "0")}`,
    i % 89 === 0 ? null : CITIES[i % CITIES.length]!,
    STATES[(i * 7) % STATES.length]!,
    i % 3 !== 0,
  ];
}

async function* customerRows(count: number): AsyncGenerator<Row> {
  for (let i = 0; i < count; i++) yield customerRow(i);
}

const schema: Schema = {
  columns: [
    { name: "id", type: "int", nullable: false },
    { name: "email", type: "string", nullable: true, pii: "EMAIL" },
    { name: "zip", type: "int", nullable: true, pii: "ZIP" },
    { name: "phone", type: "string", nullable: true, pii: "PHONE" },
  ],
};

describe("createPiiHasher", () => {
  it("hashes exactly the PII-tagged customer columns, each as hashPii would, and leaves the rest", async () => {
    const hasher = createPiiHasher(customerSchema, { country: "US" });
    const out = await collect(hasher.transform(customerRows(300)));
    expect(out).toHaveLength(300);
    out.forEach((row, i) => {
      const input = customerRow(i);
      customerSchema.columns.forEach((column, c) => {
        if (column.pii) expect(row[c]).toBe(hashPii(column.pii, input[c], { country: "US" }));
        else expect(row[c]).toEqual(input[c]);
      });
    });
  });

  it("gives the same hashes after its memo of repeated values is full or switched off (40k rows)", async () => {
    const hasher = createPiiHasher(customerSchema);
    let i = 0;
    for await (const row of hasher.transform(customerRows(40_000))) {
      // Spot-check every 997th row against the direct path.
      if (i % 997 === 0) {
        const input = customerRow(i);
        expect(row[1]).toBe(hashPii("EMAIL", input[1]));
        expect(row[2]).toBe(hashPii("FIRST_NAME", input[2]));
        expect(row[4]).toBe(hashPii("PHONE", input[4]));
      }
      i++;
    }
    const stats = hasher.stats();
    expect(stats.rows).toBe(40_000);
    for (const column of stats.columns) expect(column.hashed + column.invalid + column.empty + column.alreadyHashed).toBe(40_000);
  });

  it("counts hashed, already hashed, invalid and empty values per column", async () => {
    // A digest as Amazon recognises one: lower-case hex (upper-case would be an invalid email).
    const digest = "a".repeat(64);
    const rows: Row[] = [
      [1, "a@example.com", 75236, "5714120599"],
      [2, digest, "123", null],
      [3, "not an email", null, "   "],
      [4, "", true, "+1 (413) 871-4499"],
    ];
    const hasher = createPiiHasher(schema);
    const out = await collect(hasher.transform(from(rows)));
    expect(out[0]).toEqual([1, sha256("a@example.com"), sha256("75236"), sha256("15714120599")]);
    expect(out[1]).toEqual([2, digest, null, null]);
    expect(out[2]).toEqual([3, null, null, null]);
    expect(out[3]).toEqual([4, null, null, sha256("14138714499")]);
    expect(hasher.stats()).toEqual({
      rows: 4,
      columns: [
        { column: "email", type: "EMAIL", hashed: 1, alreadyHashed: 1, invalid: 1, empty: 1 },
        // "123" is too short and a boolean is not a ZIP: both invalid.
        { column: "zip", type: "ZIP", hashed: 1, alreadyHashed: 0, invalid: 2, empty: 1 },
        { column: "phone", type: "PHONE", hashed: 2, alreadyHashed: 0, invalid: 0, empty: 2 },
      ],
    });
  });

  it("does not modify the input rows", async () => {
    const row: Row = [1, "a@example.com", 75236, "5714120599"];
    const copy = [...row];
    await collect(createPiiHasher(schema).transform(from([row])));
    expect(row).toEqual(copy);
  });

  it("describes its output: PII columns become nullable strings, others are unchanged", () => {
    const { schema: out } = createPiiHasher(schema);
    expect(out.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ["id", "int", false],
      ["email", "string", true],
      ["zip", "string", true],
      ["phone", "string", true],
    ]);
  });

  it("uses the dataset country for national numbers and ZIP rules", () => {
    const hasher = createPiiHasher(schema, { country: "JP" });
    expect(hasher.hashRow([1, null, "787-0150", "7527903759"])).toEqual([1, null, sha256("7870150"), sha256("817527903759")]);
  });

  it("refuses an unknown country with pii.invalid-country naming the option", () => {
    try {
      createPiiHasher(schema, { country: "XX" });
      expect.unreachable();
    } catch (error) {
      expect(ConnectorError.is(error)).toBe(true);
      expect((error as ConnectorError).code).toBe("pii.invalid-country");
      expect((error as ConnectorError).message).toContain("country");
    }
  });

  it("a schema without PII columns passes rows through unchanged", async () => {
    const plain: Schema = { columns: [{ name: "a", type: "string", nullable: true }] };
    const hasher = createPiiHasher(plain);
    expect(await collect(hasher.transform(from([["x"], ["y"]])))).toEqual([["x"], ["y"]]);
    expect(hasher.stats()).toEqual({ rows: 2, columns: [] });
  });
});

import { describe, expect, it } from "vitest";
import { ConnectorError } from "../src/errors.js";
import { mappingValues, outputMapping, segmentSchema, type MappingValues, type OutputColumn } from "../src/policy/index.js";
import type { Row, Schema } from "../src/schema.js";

const schema: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "Email", type: "string", nullable: true, pii: "EMAIL" },
    { name: "score", type: "double", nullable: true },
  ],
};
const rows: Row[] = [
  [1n, "a@example.com", 0.5],
  [2n, null, null],
];
const values: MappingValues = {
  export_timestamp: new Date("2025-01-31T12:00:00Z"),
  segment_id: "seg-42",
  segment_name: "Spring buyers",
  audience_id: "aud-7",
};

async function* stream(input: readonly Row[]): AsyncIterable<Row> {
  yield* input;
}
async function collect(input: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of input) out.push(row);
  return out;
}
function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error("expected a ConnectorError");
}

describe("outputMapping", () => {
  it("passes every column unchanged without a column list", async () => {
    const mapping = outputMapping(schema, undefined, values);
    expect(mapping.schema).toBe(schema);
    const input = stream(rows);
    expect(mapping.map(input)).toBe(input);
  });

  it("chooses, orders and renames columns, keeping type, nullability and PII marks", async () => {
    const mapping = outputMapping(schema, [{ source: "Email", name: "email_address" }, { source: "id" }], values);
    expect(mapping.schema).toEqual({
      columns: [
        { name: "email_address", type: "string", nullable: true, pii: "EMAIL" },
        { name: "id", type: "long", nullable: false },
      ],
    });
    expect(await collect(mapping.map(stream(rows)))).toEqual([
      ["a@example.com", 1n],
      [null, 2n],
    ]);
  });

  it("builds string columns from text and the send's values", async () => {
    const build = [
      { text: "seg:" },
      { value: "segment_id" },
      { text: "|" },
      { value: "segment_name" },
      { text: "|" },
      { value: "audience_id" },
      { text: "|" },
      { value: "export_timestamp" },
    ] as const;
    const mapping = outputMapping(schema, [{ source: "id" }, { name: "tag", build: [...build] }], values);
    expect(mapping.schema.columns[1]).toEqual({ name: "tag", type: "string", nullable: false });
    expect(await collect(mapping.map(stream(rows)))).toEqual([
      [1n, "seg:seg-42|Spring buyers|aud-7|2025-01-31T12:00:00.000Z"],
      [2n, "seg:seg-42|Spring buyers|aud-7|2025-01-31T12:00:00.000Z"],
    ]);
  });

  it("matches source names exactly first, then ignoring case", async () => {
    expect(outputMapping(schema, [{ source: "email" }, { source: "ID" }], values).schema.columns.map((c) => c.name)).toEqual(["Email", "id"]);
    const twins: Schema = {
      columns: [
        { name: "email", type: "string", nullable: true },
        { name: "EMAIL", type: "string", nullable: true, pii: "EMAIL" },
      ],
    };
    const exact = outputMapping(twins, [{ source: "EMAIL", name: "x" }], values);
    expect(exact.schema.columns).toEqual([{ name: "x", type: "string", nullable: true, pii: "EMAIL" }]);
    expect(await collect(exact.map(stream([["lower", "UPPER"]])))).toEqual([["UPPER"]]);
    const error = thrown(() => outputMapping(twins, [{ source: "Email" }], values));
    expect(error.code).toBe("template.ambiguous-column");
    expect(error.message).toBe('Output column source "Email" matches several input columns when case is ignored (email, EMAIL); write the exact name');
  });

  it("refuses an unknown source column, listing the available ones", () => {
    const error = thrown(() => outputMapping(schema, [{ source: "id" }, { source: "emial" }], values));
    expect(error.code).toBe("template.unknown-column");
    expect(error.category).toBe("invalid-input");
    expect(error.message).toBe('Output column source "emial" is not an input column; available columns: id, Email, score');
    expect(error.details).toEqual({ source: "emial", available: ["id", "Email", "score"] });
  });

  it("refuses a builder that uses a segment value the send lacks", () => {
    const error = thrown(() =>
      outputMapping(schema, [{ name: "seg", build: [{ value: "segment_name" }] }], { export_timestamp: values.export_timestamp }),
    );
    expect(error.code).toBe("template.missing-value");
    expect(error.category).toBe("invalid-input");
    expect(error.message).toBe('Output column "seg" uses segment_name, but this send has no segment name; add segment: { name: ... } to the job');
    expect(thrown(() => outputMapping(schema, [{ name: "a", build: [{ value: "audience_id" }] }], { export_timestamp: new Date(0) })).message).toContain(
      "no segment audience id; add segment: { audience_id: ... }",
    );
    // The export timestamp is always there.
    expect(() => outputMapping(schema, [{ name: "t", build: [{ value: "export_timestamp" }] }], { export_timestamp: new Date(0) })).not.toThrow();
  });

  it("refuses duplicate output names and empty pieces with every problem", () => {
    const columns: OutputColumn[] = [{ source: "id" }, { source: "score", name: "ID" }, { name: "t", build: [{ text: "" }] }];
    const error = thrown(() => outputMapping(schema, columns, values));
    expect(error.code).toBe("template.invalid");
    expect(error.message).toBe(
      "Invalid output columns:\n" +
        'template.columns.1.name: output column name "ID" is already used by template.columns.0; output names must be unique (ignoring case)\n' +
        "template.columns.2.build.0.text: is empty; write some text or remove the piece",
    );
  });

  it("returns a new array per row and leaves the input rows alone; short rows give null", async () => {
    const input: Row[] = [[1n, "x", 0.5], [2n]];
    const out = await collect(outputMapping(schema, [{ source: "score" }, { source: "id" }], values).map(stream(input)));
    expect(out).toEqual([
      [0.5, 1n],
      [null, 2n],
    ]);
    expect(out[0]).not.toBe(input[0]);
    expect(input).toEqual([[1n, "x", 0.5], [2n]]);
  });

  it("passes rows through untouched when the mapping only renames", async () => {
    const mapping = outputMapping(schema, [{ source: "id", name: "customer_id" }, { source: "Email" }, { source: "score" }], values);
    expect(mapping.schema.columns.map((c) => c.name)).toEqual(["customer_id", "Email", "score"]);
    const out = await collect(mapping.map(stream(rows)));
    expect(out[0]).toBe(rows[0]);
  });

  it("maps many rows cheaply", async () => {
    const many = Array.from({ length: 200_000 }, (_, i): Row => [BigInt(i), `u${i}@example.com`, i / 2]);
    const mapping = outputMapping(schema, [{ source: "Email" }, { name: "seg", build: [{ value: "segment_id" }] }], values);
    let count = 0;
    let last: Row | undefined;
    for await (const row of mapping.map(stream(many))) {
      count++;
      last = row;
    }
    expect(count).toBe(200_000);
    expect(last).toEqual(["u199999@example.com", "seg-42"]);
  });
});

describe("mappingValues", () => {
  it("takes the segment's values from the job's segment", () => {
    const at = new Date("2025-01-31T00:00:00Z");
    expect(mappingValues(at, segmentSchema.parse({ id: "s1", name: "Spring", audience_id: "a1" }))).toEqual({
      export_timestamp: at,
      segment_id: "s1",
      segment_name: "Spring",
      audience_id: "a1",
    });
    expect(mappingValues(at)).toEqual({ export_timestamp: at });
    expect(segmentSchema.safeParse({ segment_id: "x" }).success).toBe(false);
  });
});

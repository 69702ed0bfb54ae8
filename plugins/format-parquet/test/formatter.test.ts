import { type Row } from "@conveyor/core";
import { customerRow, customerRows, customerSchema } from "@conveyor/testkit";
import { countingRows, readAll, stageContext } from "@conveyor/testkit/conformance";
import { describe, expect, it } from "vitest";
import { createFormatter, readAllParts, readParquet, writeParquet } from "./support.js";

const customers = (count: number, from = 0): Row[] => Array.from({ length: count }, (_, i) => customerRow(from + i));

describe("part file names", () => {
  it("puts parts in `T.parquet/` with the Parquet content type", async () => {
    const formatter = await createFormatter({});
    expect([formatter.extension, formatter.contentType]).toEqual([".parquet", "application/vnd.apache.parquet"]);
    const written = await writeParquet(customerSchema, customers(2_500), { part_rows: 1_000 });
    expect([...written.files.keys()]).toEqual([
      "exports_2025_01_31.parquet/part-00000.parquet",
      "exports_2025_01_31.parquet/part-00001.parquet",
      "exports_2025_01_31.parquet/part-00002.parquet",
    ]);
    expect(written.contentTypes).toEqual(new Set(["application/vnd.apache.parquet"]));
  });

  it("puts parts in `T/` when exclude_parquet_extension is on", async () => {
    const written = await writeParquet(customerSchema, customers(10), { exclude_parquet_extension: true });
    expect([...written.files.keys()]).toEqual(["exports_2025_01_31/part-00000.parquet"]);
  });

  it("does not repeat `.parquet` when the template already ends with it", async () => {
    const written = await writeParquet(customerSchema, customers(10), {}, "reports/daily.parquet");
    expect([...written.files.keys()]).toEqual(["reports/daily.parquet/part-00000.parquet"]);
  });
});

describe.each(["parquet-wasm", "parquetjs-lite"] as const)("splitting with %s", (engine) => {
  it("ends a part after part_rows rows, and keeps every row in order", async () => {
    const written = await writeParquet(customerSchema, customers(2_500), { engine, part_rows: 1_000 });
    const parts = await Promise.all([...written.files.values()].map(readParquet));
    expect(parts.map((p) => p.rows.length)).toEqual([1_000, 1_000, 500]);
    expect(await readAllParts(written.files)).toEqual(customers(2_500));
  });

  it("starts no empty part when the rows end exactly at a part boundary", async () => {
    const written = await writeParquet(customerSchema, customers(2_000), { engine, part_rows: 1_000 });
    expect(written.files.size).toBe(2);
  });

  it("cuts row groups after row_group_rows rows", async () => {
    const written = await writeParquet(customerSchema, customers(2_500), { engine, row_group_rows: 1_000 });
    const { metadata } = await readParquet([...written.files.values()][0]!);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([1_000, 1_000, 500]);
  });

  it("writes one part holding the schema and no rows when there are no rows", async () => {
    const written = await writeParquet(customerSchema, [], { engine });
    expect([...written.files.keys()]).toEqual(["exports_2025_01_31.parquet/part-00000.parquet"]);
    const { metadata, rows } = await readParquet([...written.files.values()][0]!);
    expect(rows).toEqual([]);
    expect(Number(metadata.num_rows)).toBe(0);
    expect(metadata.schema.slice(1).map((e) => e.name)).toEqual(customerSchema.columns.map((c) => c.name));
  });
});

describe("splitting by size", () => {
  it("ends a part at the first batch after part_mb megabytes, keeping every row", async () => {
    const count = 120_000;
    // Small row groups make bytes flow as rows go in, so the size is seen as the part grows.
    const written = await writeParquet(customerSchema, customerRows(count), { part_mb: 1, row_group_rows: 4_096 });
    const sizes = [...written.files.values()].map((b) => b.length);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(1024 * 1024);
      expect(size).toBeLessThan(2 * 1024 * 1024);
    }
    const rows = await readAllParts(written.files);
    expect(rows.length).toBe(count);
    expect(rows[count - 1]).toEqual(customerRow(count - 1));
  });
});

describe.each([
  { engine: "parquet-wasm", codecs: ["snappy", "gzip", "zstd", "none"] },
  { engine: "parquetjs-lite", codecs: ["snappy", "gzip", "none"] },
] as const)("compression with $engine", ({ engine, codecs }) => {
  const names = { snappy: "SNAPPY", gzip: "GZIP", zstd: "ZSTD", none: "UNCOMPRESSED" } as const;

  it("is Snappy by default", async () => {
    const written = await writeParquet(customerSchema, customers(100), { engine });
    const { metadata } = await readParquet([...written.files.values()][0]!);
    expect(new Set(metadata.row_groups[0]!.columns.map((c) => c.meta_data?.codec))).toEqual(new Set(["SNAPPY"]));
  });

  it.each(codecs)("%s: every column chunk uses it, and the rows read back", async (compression) => {
    const written = await writeParquet(customerSchema, customers(1_000), { engine, compression });
    const { metadata, rows } = await readParquet([...written.files.values()][0]!);
    expect(new Set(metadata.row_groups[0]!.columns.map((c) => c.meta_data?.codec))).toEqual(new Set([names[compression]]));
    expect(rows).toEqual(customers(1_000));
  });
});

describe("streaming", () => {
  it("reads no row of the next part before the consumer asks for the next file", async () => {
    const formatter = await createFormatter({ part_rows: 1_000 });
    const source = countingRows(customerRows(5_000));
    const files = formatter.format(source.rows, stageContext({ schema: customerSchema }))[Symbol.asyncIterator]();
    const first = await files.next();
    await readAll(first.value!.body);
    expect(source.pulled()).toBe(1_000);
    const second = await files.next();
    expect(second.value!.name).toBe("conformance_2025_01_31.parquet/part-00001.parquet");
    await readAll(second.value!.body);
    expect(source.pulled()).toBe(2_000);
    await files.return?.(undefined);
  });

  it.each(["parquet-wasm", "parquetjs-lite"])("%s: stops, without hanging, when the consumer abandons a part", async (engine) => {
    const formatter = await createFormatter({ engine, row_group_rows: 4_096 });
    const source = countingRows(customerRows(200_000));
    const files = formatter.format(source.rows, stageContext({ schema: customerSchema }))[Symbol.asyncIterator]();
    const first = await files.next();
    const body = first.value!.body;
    await new Promise((resolve) => body.once("data", resolve));
    body.destroy(new Error("upload failed"));
    await expect(files.next()).rejects.toThrow("upload failed");
    expect(source.pulled()).toBeLessThan(200_000);
  });

  it.each(["parquet-wasm", "parquetjs-lite"])("%s: finishes with a reader that pauses between small row groups", async (engine) => {
    const formatter = await createFormatter({ engine, row_group_rows: 1_000 });
    const chunks: Buffer[] = [];
    for await (const file of formatter.format(customerRows(60_000), stageContext({ schema: customerSchema }))) {
      for await (const chunk of file.body) {
        chunks.push(chunk as Buffer);
        await new Promise((resolve) => setTimeout(resolve, chunks.length % 3)); // 0–2 ms
      }
    }
    const { rows } = await readParquet(Buffer.concat(chunks));
    expect(rows.length).toBe(60_000);
    expect(rows[59_999]).toEqual(customerRow(59_999));
  });

  it("stops with the run's abort signal", async () => {
    const formatter = await createFormatter({});
    const controller = new AbortController();
    async function* rows(): AsyncGenerator<Row> {
      for (let i = 0; i < 100_000; i++) {
        if (i === 20_000) controller.abort(new Error("run cancelled"));
        yield customerRow(i);
      }
    }
    const run = async () => {
      for await (const file of formatter.format(rows(), stageContext({ schema: customerSchema, signal: controller.signal }))) {
        await readAll(file.body);
      }
    };
    await expect(run()).rejects.toThrow("run cancelled");
  });
});

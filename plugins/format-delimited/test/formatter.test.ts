import { DiscardSink, runFilePipeline, type Row } from "@conveyor/core";
import { customerRows, customerSchema } from "@conveyor/testkit";
import { readAll, stageContext } from "@conveyor/testkit/conformance";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { formatFiles, formatter } from "./helpers.js";

const HEADER = customerSchema.columns.map((c) => c.name);

async function collect(count: number): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of customerRows(count)) rows.push(row);
  return rows;
}

/** Customer rows as the CSV text an independent reader should see. */
function asText(row: Row): string[] {
  return row.map((v) => (v === null ? "" : v instanceof Date ? v.toISOString() : String(v)));
}

describe("file naming", () => {
  it("names the single file after the base name with the id's extension", async () => {
    for (const [id, extension, extra] of [
      ["csv", ".csv", {}],
      ["tsv", ".tsv", {}],
      ["psv", ".psv", {}],
      ["delimited", ".txt", { delimiter: ";" }],
    ] as const) {
      const files = await formatFiles(id, extra, customerSchema, customerRows(3), "query_name_2025_01_31");
      expect([...files.keys()]).toEqual([`query_name_2025_01_31${extension}`]);
    }
  });

  it("does not repeat an extension the template already has", async () => {
    const files = await formatFiles("csv", {}, customerSchema, customerRows(3), "report.csv");
    expect([...files.keys()]).toEqual(["report.csv"]);
  });

  it("yields one file (the header alone) when there are no rows", async () => {
    const files = await formatFiles("csv", {}, customerSchema, [], "empty");
    expect(files).toEqual(new Map([["empty.csv", HEADER.join(",") + "\n"]]));
  });
});

describe("splitting", () => {
  it("splits by rows into numbered files, each with the header", async () => {
    const rows = await collect(120_001);
    const files = await formatFiles("csv", { split: { rows: 50_000 } }, customerSchema, rows, "t");
    expect([...files.keys()]).toEqual(["t/0000001.csv", "t/0000002.csv", "t/0000003.csv"]);
    const parts = [...files.values()].map((text) => parse(text) as string[][]);
    for (const part of parts) expect(part[0]).toEqual(HEADER);
    expect(parts.map((p) => p.length - 1)).toEqual([50_000, 50_000, 20_001]);
    expect(parts.flatMap((p) => p.slice(1))).toEqual(rows.map(asText));
  });

  it("does not start an empty file when the rows divide exactly", async () => {
    const files = await formatFiles("csv", { split: { rows: 50_000 }, header: false }, customerSchema, await collect(100_000), "t");
    expect([...files.keys()]).toEqual(["t/0000001.csv", "t/0000002.csv"]);
  });

  it("splits by megabytes: every file within the limit, with the header, rows in order", async () => {
    const rows = await collect(20_000);
    const files = await formatFiles("tsv", { split: { megabytes: 1 } }, customerSchema, rows, "t");
    expect(files.size).toBe(3);
    const parts = [...files.values()];
    for (const text of parts) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
      expect(text.startsWith(HEADER.join("\t") + "\n")).toBe(true);
    }
    // Full files: adding the next row would have passed the limit.
    expect(Buffer.byteLength(parts[0]!)).toBeGreaterThan(1024 * 1024 - 200);
    const read = parts.flatMap((text) => (parse(text, { delimiter: "\t", from_line: 2 }) as string[][]));
    expect(read).toEqual(rows.map(asText));
  });

  it("uses the rendered file-name template for part names", async () => {
    const sink = new (await import("@conveyor/core")).MemorySink();
    const context = { ...stageContext({ schema: customerSchema }), partName: (n: number) => `export_part${n}` };
    await runFilePipeline(customerRows(60_000), { formatter: formatter("csv", { split: { rows: 50_000 } }), sink }, context);
    expect([...sink.files.keys()]).toEqual(["export_part1.csv", "export_part2.csv"]);
  });
});

describe("streaming", () => {
  it("produces the next file only after the previous body has been read to the end", async () => {
    const files = formatter("csv", { split: { rows: 50_000 } }).format(customerRows(100_000), stageContext({ schema: customerSchema }));
    const iterator = files[Symbol.asyncIterator]();
    const first = await iterator.next();
    let secondArrived = false;
    const second = iterator.next().then((r) => ((secondArrived = true), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(secondArrived).toBe(false);
    await readAll(first.value!.body);
    expect((await second).value?.name).toBe("conformance_2025_01_31/0000002.csv");
    await readAll((await second).value!.body);
    expect((await iterator.next()).done).toBe(true);
  });

  it("yields to the event loop while formatting, so other work (zlib's callbacks) can run", async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Row> {
      for await (const row of customerRows(200_000)) (pulled++, yield row);
    }
    let pulledWhenTimerFired = -1;
    setTimeout(() => (pulledWhenTimerFired = pulled), 0);
    await runFilePipeline(counted(), { formatter: formatter("csv"), sink: new DiscardSink() }, stageContext({ schema: customerSchema }));
    expect(pulledWhenTimerFired).toBeGreaterThanOrEqual(0);
    expect(pulledWhenTimerFired).toBeLessThan(200_000);
  });

  it("stops with the run's abort signal, even under a sink that ignores it", async () => {
    const controller = new AbortController();
    const deaf = { write: (file: Parameters<DiscardSink["write"]>[0]) => new DiscardSink().write(file) };
    const run = runFilePipeline(customerRows(1_000_000), { formatter: formatter("csv"), sink: deaf }, stageContext({ schema: customerSchema, signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("run cancelled")), 20);
    await expect(run).rejects.toThrow("run cancelled");
  });
});

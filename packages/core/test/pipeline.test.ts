import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGzip, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  appendExtension,
  ConnectorError,
  createLogger,
  DiscardSink,
  joinKey,
  LocalDirectorySink,
  MemorySink,
  OsTempStore,
  runFilePipeline,
  JsonLinesFormatter,
  stringSchema,
  type Compressor,
  type OutputFile,
  type Row,
  type StageContext,
} from "../src/index.js";

function context(baseName = "exports_2025_01_31"): StageContext {
  return {
    baseName,
    partName: (n) => `${baseName}/${String(n).padStart(7, "0")}`,
    schema: stringSchema(["id", "email"]),
    signal: new AbortController().signal,
    tempStore: new OsTempStore(),
    logger: createLogger({ level: "silent" }),
  };
}

const lines = (rowsPerFile?: number) => new JsonLinesFormatter(rowsPerFile ? { rows_per_file: rowsPerFile } : {});

/** gzip per file, to see names derived through a chain. */
class TestGzip implements Compressor {
  readonly extension = ".gz";
  async *compress(files: AsyncIterable<OutputFile>): AsyncIterable<OutputFile> {
    for await (const file of files) yield { name: appendExtension(file.name, ".gz"), body: file.body.pipe(createGzip()), contentType: "application/gzip" };
  }
}

async function* rows(count: number): AsyncGenerator<Row> {
  for (let i = 0; i < count; i++) yield [String(i), `user${i}@example.com`];
}

describe("runFilePipeline", () => {
  it("keeps memory flat: 2 million rows through a formatter grow the heap by less than 50 MB", async () => {
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    async function* sampled(): AsyncGenerator<Row> {
      let i = 0;
      for await (const row of rows(2_000_000)) {
        if (++i % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
        yield row;
      }
    }
    const result = await runFilePipeline(sampled(), { formatter: lines(), sink: new DiscardSink() }, context());
    expect(result.rows).toBe(2_000_000);
    expect(result.bytes).toBeGreaterThan(2_000_000 * 30);
    expect((peak - before) / 1024 / 1024).toBeLessThan(50);
  });

  it("names files through the chain and counts rows and bytes", async () => {
    const sink = new MemorySink();
    const result = await runFilePipeline(rows(25), { formatter: lines(10), compressor: new TestGzip(), sink }, context());
    expect([...sink.files.keys()]).toEqual([
      "exports_2025_01_31/0000001.jsonl.gz",
      "exports_2025_01_31/0000002.jsonl.gz",
      "exports_2025_01_31/0000003.jsonl.gz",
    ]);
    const written = [...sink.files.values()].flatMap((f) => gunzipSync(f.bytes).toString("utf8").trim().split("\n"));
    expect(written).toHaveLength(25);
    expect(JSON.parse(written[24]!)).toEqual({ id: "24", email: "user24@example.com" });
    expect(result.rows).toBe(25);
    expect(result.bytes).toBe([...sink.files.values()].reduce((s, f) => s + f.bytes.length, 0));
  });

  it("reports size and SHA-256 of each object as written", async () => {
    const sink = new MemorySink();
    const result = await runFilePipeline(rows(3), { formatter: lines(), sink }, context());
    const bytes = sink.files.get("exports_2025_01_31.jsonl")!.bytes;
    const { createHash } = await import("node:crypto");
    expect(result.objects).toEqual([{ key: "exports_2025_01_31.jsonl", size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") }]);
  });

  it("writes one (empty) file for an empty result, so an export of nothing still lands", async () => {
    const sink = new MemorySink();
    await runFilePipeline(rows(0), { formatter: lines(), sink }, context());
    expect([...sink.files.entries()].map(([n, f]) => [n, f.bytes.length])).toEqual([["exports_2025_01_31.jsonl", 0]]);
  });

  it("fails with the row source's error", async () => {
    async function* broken(): AsyncGenerator<Row> {
      yield ["1", "a@example.com"];
      throw new Error("input broke");
    }
    await expect(runFilePipeline(broken(), { formatter: lines(), sink: new DiscardSink() }, context())).rejects.toThrow("input broke");
  });
});

describe("LocalDirectorySink", () => {
  it("writes files under its root, creating folders, and leaves no partial files", async () => {
    const root = await mkdtemp(join(tmpdir(), "conveyor-sink-"));
    const sink = new LocalDirectorySink(root);
    await sink.write({ name: "a/b/c.txt", body: Readable.from([Buffer.from("hello")]), contentType: "text/plain" });
    expect(await readFile(join(root, "a/b/c.txt"), "utf8")).toBe("hello");
    expect(await readdir(join(root, "a/b"))).toEqual(["c.txt"]);
  });

  it("removes the partial file when the body fails", async () => {
    const root = await mkdtemp(join(tmpdir(), "conveyor-sink-"));
    const body = new Readable({ read() { this.push("x"); this.destroy(new Error("body failed")); } });
    await expect(new LocalDirectorySink(root).write({ name: "d/broken.txt", body, contentType: "text/plain" })).rejects.toThrow("body failed");
    expect(await readdir(join(root, "d"))).toEqual([]);
  });

  it("refuses a name that leaves the directory", async () => {
    const root = await mkdtemp(join(tmpdir(), "conveyor-sink-"));
    const error = await new LocalDirectorySink(root)
      .write({ name: "../escape.txt", body: Readable.from(["x"]), contentType: "text/plain" })
      .catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe("sink.invalid-name");
  });
});

describe("naming", () => {
  it("appends an extension unless the name already ends with it", () => {
    expect(appendExtension("report", ".csv")).toBe("report.csv");
    expect(appendExtension("report.CSV", ".csv")).toBe("report.CSV");
    expect(appendExtension("report.csv", ".gz")).toBe("report.csv.gz");
    expect(appendExtension("report", "")).toBe("report");
  });

  it("joins prefix and name with exactly one slash, dropping a leading slash", () => {
    expect(joinKey("/exports/", "/t.csv")).toBe("exports/t.csv");
    expect(joinKey("a//b", "t.csv")).toBe("a//b/t.csv");
    expect(joinKey("", "t.csv")).toBe("t.csv");
  });
});

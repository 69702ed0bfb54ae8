import { mkdtemp, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, LocalDirectorySink, OsTempStore, PluginHost, runFilePipeline, type Formatter, type StageContext } from "@conveyor/core";
import parquetPlugin from "@conveyor/format-parquet";
import { customerRows, customerSchema } from "@conveyor/testkit";
import type { Measurement, Scenario } from "../harness.js";

// parquetjs-lite ships no types; the baseline uses only these calls. It is the copy that
// format-parquet depends on (and offers as `engine: parquetjs-lite`), resolved from there.
interface LiteWriter {
  appendRow(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}
interface Lite {
  ParquetSchema: new (fields: Record<string, { type: string; optional?: boolean; compression?: string }>) => unknown;
  ParquetWriter: { openFile(schema: unknown, path: string): Promise<LiteWriter> };
}
const lite = createRequire(import.meta.resolve("@conveyor/format-parquet"))("parquetjs-lite") as Lite;

/** parquetjs-lite's names for the customer table's column types. */
const LITE_TYPES: Record<string, string> = { long: "INT64", string: "UTF8", timestamp: "TIMESTAMP_MILLIS", double: "DOUBLE", boolean: "BOOLEAN" };

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "conveyor-bench-parquet-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The baseline: parquetjs-lite alone, its defaults plus Snappy, fed the same rows one object each. */
async function parquetjsLite({ rows }: { rows: number }): Promise<Measurement> {
  const names = customerSchema.columns.map((c) => c.name);
  const schema = new lite.ParquetSchema(
    Object.fromEntries(customerSchema.columns.map((c) => [c.name, { type: LITE_TYPES[c.type]!, optional: c.nullable, compression: "SNAPPY" }])),
  );
  return inTempDir(async (dir) => {
    const path = join(dir, "part-00000.parquet");
    const writer = await lite.ParquetWriter.openFile(schema, path);
    for await (const row of customerRows(rows)) {
      const record: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) if (row[c] !== null) record[names[c]!] = row[c];
      await writer.appendRow(record);
    }
    await writer.close();
    return { rows, bytes: (await stat(path)).size };
  });
}

/** The subject: the `parquet` formatter (default settings: parquet-wasm, Snappy) into a local directory. */
async function formatParquet({ rows }: { rows: number }): Promise<Measurement> {
  const host = new PluginHost();
  host.add(parquetPlugin, "bench");
  const formatter = await host.create<Formatter>("formatter", "parquet", {});
  return inTempDir(async (dir) => {
    const baseName = "customers";
    const context: StageContext = {
      schema: customerSchema,
      baseName,
      partName: (n) => `${baseName}/${String(n).padStart(7, "0")}`,
      signal: new AbortController().signal,
      tempStore: new OsTempStore(),
      logger: createLogger({ level: "silent" }),
    };
    const result = await runFilePipeline(customerRows(rows), { formatter, sink: new LocalDirectorySink(dir) }, context);
    return { rows: result.rows, bytes: result.bytes };
  });
}

export const parquetScenario: Scenario = {
  name: "parquet",
  description: "parquet → local dir (format-parquet, parquet-wasm + Snappy) vs parquetjs-lite writing the same rows",
  baseline: { label: "parquetjs-lite (Snappy)", run: parquetjsLite },
  subject: { label: "format-parquet → local dir", run: formatParquet },
  goal: { metric: "throughput", value: 5 },
};

export default parquetScenario;

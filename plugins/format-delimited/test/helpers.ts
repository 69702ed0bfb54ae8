import { MemorySink, runFilePipeline, type Formatter, type Row, type Schema } from "@conveyor/core";
import { hostWith, stageContext } from "@conveyor/testkit/conformance";
import plugins from "../src/index.js";

export function formatter(id: string, settings: Record<string, unknown> = {}): Formatter {
  const plugin = plugins.find((p) => p.id === id)!;
  return hostWith(plugin).createSync<Formatter>("formatter", id, settings);
}

export async function* toAsync(rows: readonly Row[]): AsyncGenerator<Row> {
  yield* rows;
}

/** Formats rows through the real pipeline; returns each file's text by name. */
export async function formatFiles(
  id: string,
  settings: Record<string, unknown>,
  schema: Schema,
  rows: readonly Row[] | AsyncIterable<Row>,
  baseName = "exports_2025_01_31",
): Promise<Map<string, string>> {
  const sink = new MemorySink();
  const source = Array.isArray(rows) ? toAsync(rows) : (rows as AsyncIterable<Row>);
  await runFilePipeline(source, { formatter: formatter(id, settings), sink }, stageContext({ schema, baseName }));
  return new Map([...sink.files].map(([name, f]) => [name, f.bytes.toString("utf8")]));
}

export async function formatText(id: string, settings: Record<string, unknown>, schema: Schema, rows: readonly Row[]): Promise<string> {
  const files = await formatFiles(id, settings, schema, rows);
  if (files.size !== 1) throw new Error(`expected one file, got ${[...files.keys()].join(", ")}`);
  return [...files.values()][0]!;
}

/** A small deterministic PRNG (mulberry32), so failures reproduce from the printed seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

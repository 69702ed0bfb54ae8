import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { OsTempStore, type Compressor, type OutputFile } from "@conveyor/core";
import { hostWith, readAll, stageContext } from "@conveyor/testkit/conformance";
import plugins from "../src/index.js";

export function make(id: "tar" | "tgz" | "zip", settings: unknown = {}): Compressor {
  const [first, ...rest] = plugins;
  return hostWith(first!, rest).createSync<Compressor>("compressor", id, settings);
}

export async function* files(...list: OutputFile[]): AsyncGenerator<OutputFile> {
  yield* list;
}

/** A TempStore that remembers the directories it handed out. */
export class RecordingTempStore extends OsTempStore {
  readonly created: string[] = [];
  override async createDir(prefix: string): Promise<string> {
    const dir = await super.createDir(prefix);
    this.created.push(dir);
    return dir;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Runs a compressor over `inputs`; returns its output files' bytes and the temp store used. */
export async function compressAll(
  compressor: Compressor,
  inputs: AsyncIterable<OutputFile>,
  baseName = "query_name_2025_01_31",
  tempStore = new RecordingTempStore(),
) {
  const context = { ...stageContext({ baseName }), tempStore };
  const out = new Map<string, { bytes: Buffer; contentType: string }>();
  for await (const file of compressor.compress(inputs, context)) out.set(file.name, { bytes: await readAll(file.body), contentType: file.contentType });
  return { out, tempStore };
}

/** Every regular file under `dir`, by relative path. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    result.set(relative(dir, full), await readFile(full));
  }
  return new Map([...result].sort(([a], [b]) => a.localeCompare(b)));
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "archive-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

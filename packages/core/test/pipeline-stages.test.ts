import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createLogger,
  MemorySink,
  NoCompression,
  NoEncryption,
  OsTempStore,
  JsonLinesFormatter,
  resolveStageChain,
  stageChoicesOf,
  stageContextOf,
  stringSchema,
  successFile,
  writeSuccessFile,
  type KeyedSink,
  type OutputFile,
  type RunTasks,
  type StageReference,
  type StageResolver,
  type WrittenObject,
} from "../src/index.js";

/** A resolver that records which role each id was asked for. */
function resolver() {
  const asked: string[] = [];
  const stages: StageResolver = {
    formatter: (id, settings) => (asked.push(`formatter ${id} ${JSON.stringify(settings)}`), new JsonLinesFormatter({})),
    compressor: (id, settings) => (asked.push(`compressor ${id} ${JSON.stringify(settings)}`), new NoCompression()),
    encryptor: (id, settings) => (asked.push(`encryptor ${id} ${JSON.stringify(settings)}`), new NoEncryption()),
  };
  return { asked, stages };
}

const reference = (kind: StageReference["kind"], id: string, settings: unknown = {}): StageReference => ({ kind, id, settings, path: kind });

describe("resolveStageChain", () => {
  it("resolves each stage through the host by its role, and leaves out the roles not chosen", () => {
    const { asked, stages } = resolver();
    const chain = resolveStageChain({ formatter: { id: "csv", settings: { header: true } }, encryptor: { id: "pgp", settings: { public_key: "k" } } }, stages);
    expect(asked).toEqual(['formatter csv {"header":true}', 'encryptor pgp {"public_key":"k"}']);
    expect(Object.keys(chain)).toEqual(["formatter", "encryptor"]);
    expect(chain.encryptor).toBeInstanceOf(NoEncryption);
  });
});

describe("stageChoicesOf", () => {
  it("takes a plugin's composed stages by kind, whatever their order", () => {
    // Without a compressor the encryptor comes second: picking by position would take it for one.
    expect(stageChoicesOf([reference("encryptor", "pgp", { public_key: "k" }), reference("formatter", "parquet")])).toEqual({
      formatter: { id: "parquet", settings: {} },
      encryptor: { id: "pgp", settings: { public_key: "k" } },
    });
  });

  it("refuses a list without a formatter or with two stages of one kind", () => {
    expect(() => stageChoicesOf([reference("compressor", "gzip")])).toThrow("a file pipeline starts with a formatter; none was composed");
    expect(() => stageChoicesOf([reference("formatter", "csv"), reference("compressor", "gzip"), reference("compressor", "zip")])).toThrow(
      'a file pipeline has one compressor; two were composed: "gzip" and "zip"',
    );
  });
});

describe("stageContextOf", () => {
  it("gives the stages the request's schema and names and the run's signal, temp store and logger — nothing else", () => {
    const run = { runId: "r1", signal: new AbortController().signal, tempStore: new OsTempStore(), logger: createLogger({ level: "silent" }), warn: () => {} };
    const request = { schema: stringSchema(["id"]), baseName: "t", partName: (n: number) => `t/${n}`, rows: [], overrides: {} };
    const context = stageContextOf(request, run);
    expect(Object.keys(context).sort()).toEqual(["baseName", "logger", "partName", "schema", "signal", "tempStore"]);
    expect(context).toMatchObject({ schema: request.schema, baseName: "t", signal: run.signal, tempStore: run.tempStore, logger: run.logger });
    expect(context.partName(3)).toBe("t/3");
  });
});

const objects: WrittenObject[] = [{ key: "exports/t.csv", size: 12, sha256: "ab".repeat(32) }];

async function text(file: OutputFile): Promise<string> {
  let all = "";
  for await (const chunk of file.body) all += String(chunk);
  return all;
}

describe("successFile", () => {
  it("is <name>.DONE: indented JSON with run id, rows and each object's key, size and SHA-256, ending in a newline", async () => {
    const file = successFile("exports/t", { runId: "run-1", rows: 3, objects });
    expect(file.name).toBe("exports/t.DONE");
    expect(file.contentType).toBe("application/json");
    expect(await text(file)).toBe(
      `{\n  "run_id": "run-1",\n  "rows": 3,\n  "objects": [\n    {\n      "key": "exports/t.csv",\n      "size": 12,\n      "sha256": "${"ab".repeat(32)}"\n    }\n  ]\n}\n`,
    );
  });
});

/** Tasks kept in memory, as a run store keeps them across attempts. */
function tasks(completed = new Map<string, unknown>()): RunTasks & { completed: Map<string, unknown> } {
  return {
    completed,
    previous: <T>(name: string) => completed.get(name) as T | undefined,
    async run<T>(name: string, fn: () => Promise<T>) {
      if (completed.has(name)) return completed.get(name) as T;
      const result = await fn();
      completed.set(name, result);
      return result;
    },
  };
}

class PrefixedMemorySink extends MemorySink implements KeyedSink {
  keyOf(name: string): string {
    return `exports/${name}`;
  }
}

describe("writeSuccessFile", () => {
  it("writes the success file through the sink as the task `success file <key>`, once per run", async () => {
    const sink = new PrefixedMemorySink();
    const first = { runId: "run-1", signal: new AbortController().signal, tasks: tasks() };
    const written = await writeSuccessFile(sink, "t", { rows: 3, objects }, first);
    const body = sink.files.get("t.DONE")!.bytes;
    expect(written).toEqual({ key: "t.DONE", size: body.length, sha256: createHash("sha256").update(body).digest("hex") });
    expect([...first.tasks.completed.keys()]).toEqual(["success file exports/t.DONE"]);

    // A retried run that already wrote it replays the task instead of writing again.
    const again = new PrefixedMemorySink();
    await writeSuccessFile(again, "t", { rows: 3, objects }, { ...first, tasks: tasks(first.tasks.completed) });
    expect(again.files.size).toBe(0);
  });
});

import { Readable } from "node:stream";
import type { DestinationContext, FileSink, OutputFile, WrittenObject } from "../contracts.js";

/** What the success file says: which run wrote it, how many rows, and every object it wrote. */
export interface SuccessFileContent {
  readonly runId: string;
  readonly rows: number;
  readonly objects: readonly WrittenObject[];
}

/** A sink that names, before writing, where a file will land: the success file's task is named by it. */
export interface KeyedSink extends FileSink {
  keyOf(name: string): string;
}

/**
 * `<baseName>.DONE`: indented JSON with the run id, the row count and each object's key, size and
 * SHA-256, so a downstream sensor can wait for it and check what it got.
 */
export function successFile(baseName: string, content: SuccessFileContent): OutputFile {
  const body = JSON.stringify({ run_id: content.runId, rows: content.rows, objects: content.objects }, null, 2) + "\n";
  return { name: `${baseName}.DONE`, body: Readable.from([Buffer.from(body)]), contentType: "application/json" };
}

/**
 * Writes the success file once every other object is complete, as the task `success file <key>`:
 * a retried run that already wrote it does not write it again. It bypasses the stages, so it is
 * never compressed or encrypted: a sensor reads it as it is.
 */
export function writeSuccessFile(
  sink: KeyedSink,
  baseName: string,
  result: { readonly rows: number; readonly objects: readonly WrittenObject[] },
  context: Pick<DestinationContext, "runId" | "signal" | "tasks">,
): Promise<WrittenObject> {
  const file = successFile(baseName, { runId: context.runId, rows: result.rows, objects: result.objects });
  return context.tasks.run(`success file ${sink.keyOf(file.name)}`, () => sink.write(file, context.signal));
}

import type { Readable } from "node:stream";
import type { OutputFile } from "@conveyor/core";

/** Writes entries into one archive stream. */
export interface ArchiveWriter {
  readonly output: Readable;
  addDirectory(name: string, signal: AbortSignal): Promise<void>;
  /** Adds a file; resolves once its body has been consumed. */
  addFile(file: OutputFile, signal: AbortSignal): Promise<void>;
  /** No more entries: the archive's trailer is written and `output` ends. */
  finish(): Promise<void>;
  /** Releases temporary resources, on success and on failure. */
  dispose(): Promise<void>;
}

/**
 * Yields one archive file at once and fills it in the background as the incoming files arrive
 * (each incoming body is read in full before the next is asked for). A failure anywhere
 * destroys the archive's body with that error, so its reader fails instead of seeing a
 * truncated archive; the writer is disposed however the run ends.
 */
export async function* singleArchive(
  files: AsyncIterable<OutputFile>,
  name: string,
  contentType: string,
  writer: ArchiveWriter,
): AsyncGenerator<OutputFile> {
  const stop = new AbortController();
  const filling = fill(files, writer, stop.signal);
  filling.catch((error: unknown) => writer.output.destroy(error as Error));
  let completed = false;
  try {
    yield { name, body: writer.output, contentType };
    await filling;
    completed = true;
  } finally {
    if (!completed) {
      stop.abort(new Error("archive abandoned"));
      writer.output.destroy();
      await filling.catch(() => {});
    }
    await writer.dispose();
  }
}

async function fill(files: AsyncIterable<OutputFile>, writer: ArchiveWriter, signal: AbortSignal): Promise<void> {
  const directories = new Set<string>();
  for await (const file of files) {
    if (signal.aborted) {
      file.body.destroy();
      break;
    }
    // Explicit directory entries, so a Parquet directory `T.parquet/` unpacks as a directory.
    for (const directory of parentDirectories(file.name)) {
      if (directories.has(directory)) continue;
      directories.add(directory);
      await writer.addDirectory(directory, signal);
    }
    await writer.addFile(file, signal);
  }
  signal.throwIfAborted();
  await writer.finish();
}

/** `a/b/c.csv` → `a`, `a/b`. */
export function parentDirectories(name: string): string[] {
  const parts = name.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/")).filter((d) => d !== "");
}

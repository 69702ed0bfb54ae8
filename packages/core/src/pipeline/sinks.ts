import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FileSink, OutputFile, WrittenObject } from "../contracts.js";
import { invalidInput } from "../errors.js";
import { MeasuringStream } from "./measure.js";
import type { KeyedSink } from "./success-file.js";

/** Keeps every file in memory. For tests and small previews. */
export class MemorySink implements FileSink {
  readonly files = new Map<string, { contentType: string; bytes: Buffer }>();

  async write(file: OutputFile, signal?: AbortSignal): Promise<WrittenObject> {
    const chunks: Buffer[] = [];
    const measure = new MeasuringStream();
    await pipeline(
      file.body,
      measure,
      new Writable({
        write(chunk: Buffer, _e, cb) {
          chunks.push(chunk);
          cb();
        },
      }),
      ...(signal ? [{ signal }] : []),
    );
    this.files.set(file.name, { contentType: file.contentType, bytes: Buffer.concat(chunks) });
    return { key: file.name, size: measure.size, sha256: measure.sha256() };
  }
}

/** Reads every byte and keeps none: for measuring stages alone. */
export class DiscardSink implements FileSink {
  async write(file: OutputFile, signal?: AbortSignal): Promise<WrittenObject> {
    const measure = new MeasuringStream();
    await pipeline(
      file.body,
      measure,
      new Writable({ write: (_c, _e, cb) => cb() }),
      ...(signal ? [{ signal }] : []),
    );
    return { key: file.name, size: measure.size, sha256: measure.sha256() };
  }
}

/**
 * Writes files under a root directory. A file is written to a hidden temporary name and renamed
 * when complete, so a reader never sees half a file.
 */
export class LocalDirectorySink implements KeyedSink {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** A file's key is its name, relative to the root. */
  keyOf(name: string): string {
    return name;
  }

  async write(file: OutputFile, signal?: AbortSignal): Promise<WrittenObject> {
    const target = resolve(this.root, file.name);
    if (!target.startsWith(this.root + sep)) {
      throw invalidInput("sink.invalid-name", `file name ${JSON.stringify(file.name)} leaves the output directory`);
    }
    await mkdir(dirname(target), { recursive: true });
    const partial = join(dirname(target), `.${Math.random().toString(36).slice(2)}.partial`);
    const measure = new MeasuringStream();
    try {
      await pipeline(file.body, measure, createWriteStream(partial), ...(signal ? [{ signal }] : []));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key: file.name, size: measure.size, sha256: measure.sha256() };
  }
}

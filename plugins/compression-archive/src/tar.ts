import { once } from "node:events";
import { Readable } from "node:stream";
import { gzipStream, type OutputFile, type TempStore } from "@conveyor/core";
import tar, { type Header, type Pack } from "tar-stream";
import type { ArchiveWriter } from "./single-archive.js";
import { EncryptedSpool } from "./spool.js";

type EntrySink = ReturnType<Pack["entry"]>;

/**
 * A tar (or, with a gzip level, tgz) archive. A tar header states the entry's size before its
 * bytes, so each entry is first spooled to an encrypted temporary file.
 */
export class TarWriter implements ArchiveWriter {
  readonly output: Readable;
  private readonly pack = tar.pack();
  private readonly mtime = new Date();

  private constructor(
    private readonly spool: EncryptedSpool,
    gzipLevel: number | undefined,
  ) {
    // tar-stream is a streamx stream; Readable.from gives the node Readable the contract wants.
    const tarBytes = Readable.from(this.pack, { objectMode: false });
    this.output = gzipLevel === undefined ? tarBytes : gzipStream(tarBytes, gzipLevel);
  }

  static async open(tempStore: TempStore, gzipLevel?: number): Promise<TarWriter> {
    return new TarWriter(await EncryptedSpool.open(tempStore), gzipLevel);
  }

  addDirectory(name: string, signal: AbortSignal): Promise<void> {
    // A directory entry has no body: tar-stream completes it by itself.
    return this.entry({ name: `${name}/`, type: "directory", mtime: this.mtime }, signal, () => undefined);
  }

  async addFile(file: OutputFile, signal: AbortSignal): Promise<void> {
    const spooled = await this.spool.write(file.body, signal);
    try {
      await this.entry({ name: file.name, size: spooled.size, mtime: this.mtime }, signal, async (sink) => {
        for await (const chunk of this.spool.read(spooled)) {
          if (!sink.write(chunk)) await once(sink, "drain", { signal });
        }
        sink.end(undefined); // streamx's typings want an argument
      });
    } finally {
      await this.spool.remove(spooled);
    }
  }

  async finish(): Promise<void> {
    this.pack.finalize();
  }

  async dispose(): Promise<void> {
    await this.spool.dispose();
  }

  /** Writes one entry through `write` and resolves when tar-stream has taken all of it. */
  private entry(header: Partial<Header> & { name: string }, signal: AbortSignal, write: (sink: EntrySink) => unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      const sink = this.pack.entry(header, (error) => {
        signal.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      });
      Promise.resolve(write(sink)).catch((error: unknown) => {
        sink.destroy(error as Error);
        reject(error as Error);
      });
    });
  }
}

import { ConnectorError } from "@conveyor/core";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import { ArrowBatchBuilder } from "./arrow-batches.js";
import type { FileLayout, ParquetEngine, RowBatch } from "./engine.js";
import type { ParquetCompression } from "./settings.js";
import { WORKER_SOURCE, type FromWorker, type ToWorker, type WorkerFileOptions } from "./wasm-worker.js";

/** Rows per Arrow batch sent to the worker. */
const ARROW_BATCH_ROWS = 8_192;
/** Batches that may wait at the worker. */
const AHEAD = 2;

const CODECS: Record<ParquetCompression, WorkerFileOptions["compression"]> = {
  snappy: "SNAPPY",
  gzip: "GZIP",
  zstd: "ZSTD",
  none: "UNCOMPRESSED",
};

/**
 * parquet-wasm: the Rust `parquet` crate (arrow-rs) compiled to WebAssembly, run in a worker
 * thread. The main thread builds Arrow batches column by column and hands them over as IPC
 * messages (transferred, not copied); the worker encodes, compresses, cuts row groups and sends
 * the file back as row groups complete. One worker serves the parts of a run one after another.
 */
export class ParquetWasmEngine implements ParquetEngine {
  readonly name = "parquet-wasm" as const;
  private worker: Worker | undefined;

  /** Starts the worker (and its WebAssembly compilation) before the first rows arrive. */
  constructor() {
    this.start().unref();
  }

  writeFile(batches: AsyncIterable<RowBatch>, layout: FileLayout): Readable {
    const builder = new ArrowBatchBuilder(layout.schema, layout);
    const source = batches[Symbol.asyncIterator]();
    const worker = this.start();
    let ahead = 0; // batches sent that the worker has not taken yet
    let sending = false;
    let wake = false; // a call to sendAhead arrived while it was running
    let wanted = false; // the reader called read() and no push() has answered "enough" since
    let ended = false;
    let sentAny = false;
    let finished = false;

    const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
    const canSend = () => wanted && !ended && !finished && ahead < AHEAD;
    // Keeps up to AHEAD batches waiting at the worker — so neither thread waits for the other,
    // even while the worker is still starting — but only while the reader wants data: unread
    // output stops the rows. A call made while it runs is not dropped (the stream calls read()
    // once and then waits for a push, so a lost call would stall the file).
    const sendAhead = async () => {
      if (sending) {
        wake = true;
        return;
      }
      sending = true;
      try {
        do {
          wake = false;
          while (canSend()) {
            const next = await source.next();
            if (!next.done) builder.append(next.value.rows, next.value.firstRow);
            // The last batch goes even when empty if it is the only one: it carries the schema.
            if (builder.length >= ARROW_BATCH_ROWS || (next.done && (builder.length > 0 || !sentAny))) {
              const ipc = ownBuffer(builder.flush());
              post({ type: "batch", ipc }, [ipc]);
              ahead++;
              sentAny = true;
            }
            if (next.done) {
              ended = true;
              post({ type: "end" });
            }
          }
        } while (wake);
      } catch (error) {
        output.destroy(error as Error);
      } finally {
        sending = false;
      }
    };
    const stop = (error: Error | null) => {
      if (finished) return;
      finished = true;
      worker.off("message", onMessage).off("error", onFailure).off("exit", onExit);
      if (error) this.discard(worker); // mid-file: its state is unknown, so it is not reused
      else worker.unref();
    };
    const onMessage = (message: FromWorker) => {
      switch (message.type) {
        case "took":
          ahead--;
          return void sendAhead();
        case "chunk":
          wanted = output.push(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
          return;
        case "done":
          stop(null);
          output.push(null);
          return;
        case "error":
          output.destroy(writeFailed(message.message));
          return;
      }
    };
    const onFailure = (error: Error) => output.destroy(writeFailed(error.message));
    const onExit = (code: number) => output.destroy(writeFailed(`the worker thread exited (code ${code})`));

    const output = new Readable({
      read: () => {
        wanted = true;
        void sendAhead();
      },
      destroy: (error, callback) => {
        stop(error ?? new Error("output closed before the end"));
        void source.return?.();
        callback(error);
      },
    });
    worker.on("message", onMessage).on("error", onFailure).on("exit", onExit);
    worker.ref();
    post({
      type: "open",
      options: {
        compression: CODECS[layout.compression],
        rowGroupRows: layout.rowGroupRows,
        rowGroupBytes: layout.rowGroupBytes,
        createdBy: "conveyor format-parquet (parquet-wasm)",
      },
    });
    return output;
  }

  async close(): Promise<void> {
    if (this.worker) this.discard(this.worker);
  }

  private start(): Worker {
    this.worker ??= new Worker(WORKER_SOURCE, {
      eval: true,
      // Plain CommonJS: it needs none of the loaders (tsx, vitest) the main thread may run under.
      execArgv: [],
      workerData: { parquetWasm: createRequire(import.meta.url).resolve("parquet-wasm") },
    });
    return this.worker;
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }
}

function writeFailed(reason: string): ConnectorError {
  return new ConnectorError({ code: "parquet.write-failed", category: "internal", message: `parquet-wasm failed to write the file: ${reason}` });
}

/** The IPC bytes as a whole ArrayBuffer of their own, so they can be transferred. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

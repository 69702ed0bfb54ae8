/**
 * The worker thread that runs parquet-wasm, so that encoding and compression use the second core
 * while the main thread turns rows into Arrow batches.
 *
 * It is evaluated from this string (not a separate file) so the same code runs from `src` under
 * vitest and from `dist` under node. The main thread passes the resolved path of parquet-wasm.
 *
 * Protocol, per file: main → `{ type: "open", options }`, then `{ type: "batch", ipc }`
 * (transferred) a few ahead, then `{ type: "end" }`; worker → `{ type: "took" }` as it takes each
 * batch (so the main thread knows how many wait), `{ type: "chunk", bytes }` (transferred) as row
 * groups complete, then `{ type: "done" }`, or `{ type: "error", message }`.
 */
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const wasm = require(workerData.parquetWasm);

const queue = []; // batches (and the end) sent ahead by the main thread
let waiting = null; // resolves a take() that found the queue empty
parentPort.on("message", (message) => {
  if (message.type === "open") void writeFile(message.options);
  else if (waiting) { const resolve = waiting; waiting = null; resolve(message); }
  else queue.push(message);
});

function take() {
  const next = queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => { waiting = resolve; });
  return next.then((message) => { if (message.type === "batch") parentPort.postMessage({ type: "took" }); return message; });
}

async function writeFile(options) {
  try {
    const input = new ReadableStream({
      async pull(controller) {
        const message = await take();
        if (message.type === "end") return controller.close();
        const table = wasm.Table.fromIPCStream(new Uint8Array(message.ipc));
        try { for (const batch of table.recordBatches()) controller.enqueue(batch); } finally { table.free(); }
      },
    }, { highWaterMark: 1 });
    const properties = new wasm.WriterPropertiesBuilder()
      .setCompression(wasm.Compression[options.compression])
      .setMaxRowGroupSize(options.rowGroupRows)
      .setMaxRowGroupBytes(options.rowGroupBytes)
      .setCreatedBy(options.createdBy)
      .build();
    const output = await wasm.transformParquetStream(input, properties);
    for await (const chunk of output) {
      const bytes = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
      parentPort.postMessage({ type: "chunk", bytes }, [bytes.buffer]);
    }
    parentPort.postMessage({ type: "done" });
  } catch (error) {
    parentPort.postMessage({ type: "error", message: String(error && error.message || error) });
  }
}
`;

export interface WorkerFileOptions {
  /** A name in parquet-wasm's `Compression` enum. */
  compression: "SNAPPY" | "GZIP" | "ZSTD" | "UNCOMPRESSED";
  rowGroupRows: number;
  rowGroupBytes: number;
  createdBy: string;
}

export type ToWorker =
  | { type: "open"; options: WorkerFileOptions }
  | { type: "batch"; ipc: ArrayBuffer }
  | { type: "end" };

export type FromWorker =
  | { type: "took" }
  | { type: "chunk"; bytes: Uint8Array }
  | { type: "done" }
  | { type: "error"; message: string };

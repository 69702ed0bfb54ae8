import type { Row, Schema } from "@conveyor/core";
import type { Readable } from "node:stream";
import type { EngineName, ParquetCompression } from "./settings.js";

/** How column values are typed in the file (the parts of the settings that shape columns). */
export interface ColumnLayout {
  readonly timestampUnit: "millis" | "micros";
  readonly decimal: { readonly precision: number; readonly scale: number };
}

/** Everything an engine needs to write one part file. */
export interface FileLayout extends ColumnLayout {
  readonly schema: Schema;
  readonly compression: ParquetCompression;
  readonly rowGroupRows: number;
  readonly rowGroupBytes: number;
}

/** A batch of rows and the 1-based run-wide number of its first row (for error messages). */
export interface RowBatch {
  readonly rows: readonly Row[];
  readonly firstRow: number;
}

/**
 * The one seam between the formatter and a Parquet library. An engine turns batches into the
 * bytes of one Parquet file, pulling the next batch only as its output is read (back-pressure),
 * so memory is bounded by a row group, never by the file.
 */
export interface ParquetEngine {
  readonly name: EngineName;
  writeFile(batches: AsyncIterable<RowBatch>, layout: FileLayout): Readable;
  /** Releases what the engine holds between files (parquet-wasm's worker thread). */
  close(): Promise<void>;
}

/** Engines load lazily: only the chosen library is imported. */
export async function loadEngine(name: EngineName): Promise<ParquetEngine> {
  switch (name) {
    case "parquet-wasm":
      return new (await import("./engine-wasm.js")).ParquetWasmEngine();
    case "parquetjs-lite":
      return new (await import("./engine-lite.js")).ParquetjsLiteEngine();
  }
}

import {
  appendExtension,
  inject,
  injectable,
  TOKENS,
  type Formatter,
  type OutputFile,
  type Row,
  type StageContext,
} from "@conveyor/core";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { loadEngine, type FileLayout } from "./engine.js";
import { RowSource } from "./row-source.js";
import type { ParquetSettings } from "./settings.js";

export const PARQUET_EXTENSION = ".parquet";
export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";
const MB = 1024 * 1024;

/** `T.parquet/part-00000.parquet` (or `T/part-…` with `exclude_parquet_extension`). */
export function partName(baseName: string, index: number, excludeExtension: boolean): string {
  const directory = excludeExtension ? baseName : appendExtension(baseName, PARQUET_EXTENSION);
  return `${directory}/part-${String(index).padStart(5, "0")}${PARQUET_EXTENSION}`;
}

/** Rows → a directory of Parquet part files, one part at a time. */
@injectable()
export class ParquetFormatter implements Formatter {
  readonly extension = PARQUET_EXTENSION;
  readonly contentType = PARQUET_CONTENT_TYPE;

  constructor(@inject(TOKENS.settings) private readonly settings: ParquetSettings) {}

  async *format(rows: AsyncIterable<Row>, context: StageContext): AsyncGenerator<OutputFile> {
    const s = this.settings;
    const engine = await loadEngine(s.engine);
    const layout: FileLayout = {
      schema: context.schema,
      compression: s.compression,
      rowGroupRows: s.row_group_rows,
      rowGroupBytes: s.row_group_mb * MB,
      timestampUnit: s.timestamp_unit,
      decimal: { precision: s.decimal_precision, scale: s.decimal_scale },
    };
    const source = new RowSource(rows[Symbol.asyncIterator](), context.signal);
    try {
      let index = 0;
      do {
        const written = new ByteCounter();
        const batches = source.part({ rows: s.part_rows, full: () => written.bytes >= s.part_mb * MB });
        const done = pipeline(engine.writeFile(batches, layout), written).catch(() => undefined);
        yield { name: partName(context.baseName, index++, s.exclude_parquet_extension), body: written, contentType: PARQUET_CONTENT_TYPE };
        // The consumer has read this part (the Formatter contract); wait for its writer to wind
        // down before deciding whether another part follows.
        await done;
        if (written.errored) throw written.errored;
      } while (await source.hasMore());
    } finally {
      await Promise.all([source.close(), engine.close()]);
    }
  }
}

/** Passes a part's bytes through, counting them for the `part_mb` limit. */
class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

import { open } from "node:fs/promises";
import { invalidInput } from "@conveyor/core";
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from "hyparquet";
import type { RecordSource } from "./read-input.js";

/** A Parquet file, read one row group at a time. */
export async function parquetRecords(path: string): Promise<RecordSource> {
  const handle = await open(path).catch((e: NodeJS.ErrnoException) => {
    throw invalidInput("input.unreadable", `cannot read input ${path}: ${e.code ?? e.message}`);
  });
  const size = (await handle.stat()).size;
  const file: AsyncBuffer = {
    byteLength: size,
    async slice(start, end = size) {
      const buffer = Buffer.alloc(end - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length);
    },
  };
  const metadata = await parquetMetadataAsync(file).catch((e: Error) => {
    throw invalidInput("input.syntax", `input ${path} is not a readable Parquet file: ${e.message}`);
  });
  const fields = metadata.schema.slice(1).filter((s) => !s.num_children).map((s) => s.name);
  async function* records(): AsyncGenerator<Record<string, unknown>> {
    try {
      let start = 0;
      for (const group of metadata.row_groups) {
        const end = start + Number(group.num_rows);
        yield* (await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end })) as Record<string, unknown>[];
        start = end;
      }
    } finally {
      await handle.close();
    }
  }
  return { fields, records: records() };
}

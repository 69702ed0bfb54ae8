import { MemorySink, PluginHost, runFilePipeline, type Formatter, type Row, type Schema } from "@conveyor/core";
import { stageContext } from "@conveyor/testkit/conformance";
import { parquetMetadata, parquetReadObjects, type FileMetaData, type SchemaElement } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import plugin from "../src/index.js";

export async function* asyncRows(rows: readonly Row[]): AsyncGenerator<Row> {
  yield* rows;
}

export async function createFormatter(settings: unknown): Promise<Formatter> {
  const host = new PluginHost();
  host.add(plugin, "test");
  return host.create<Formatter>("formatter", "parquet", settings, { path: "settings" });
}

export interface Written {
  /** Part files by name, in the order they were written. */
  files: Map<string, Buffer>;
  contentTypes: Set<string>;
  rows: number;
}

/** Formats `rows` through the plugin (created by the host, settings validated) into memory. */
export async function writeParquet(
  schema: Schema,
  rows: AsyncIterable<Row> | readonly Row[],
  settings: unknown = {},
  baseName = "exports_2025_01_31",
): Promise<Written> {
  const formatter = await createFormatter(settings);
  const sink = new MemorySink();
  const source = Symbol.asyncIterator in rows ? rows : asyncRows(rows);
  const result = await runFilePipeline(source, { formatter, sink }, stageContext({ schema, baseName }));
  return {
    files: new Map([...sink.files].map(([name, f]) => [name, f.bytes])),
    contentTypes: new Set([...sink.files.values()].map((f) => f.contentType)),
    rows: result.rows,
  };
}

export interface ReadBack {
  metadata: FileMetaData;
  /** Rows as arrays in schema order; decimals as exact text with `scale` fraction digits. */
  rows: unknown[][];
}

/**
 * Reads a Parquet file with hyparquet, an independent reader. hyparquet turns DECIMAL into a
 * float, so decimal columns are read as their raw unscaled integers and rendered exactly here.
 */
export async function readParquet(bytes: Buffer): Promise<ReadBack> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const leaves = metadata.schema.slice(1);
  const decimals = new Map<string, number>();
  const raw: FileMetaData = {
    ...metadata,
    schema: metadata.schema.map((element) => {
      if (element.converted_type !== "DECIMAL") return element;
      decimals.set(element.name, element.scale ?? 0);
      const { converted_type: _c, logical_type: _l, ...plain } = element;
      return plain as SchemaElement;
    }),
  };
  const objects = await parquetReadObjects({ file, metadata: raw, compressors });
  const rows = objects.map((o) =>
    leaves.map((leaf) => {
      const value: unknown = o[leaf.name];
      const scale = decimals.get(leaf.name);
      return scale === undefined || value === null || value === undefined ? (value ?? null) : decimalText(unscaled(value), scale);
    }),
  );
  return { metadata, rows };
}

/** Every row of every part, in part order. */
export async function readAllParts(files: Map<string, Buffer>): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (const bytes of files.values()) rows.push(...(await readParquet(bytes)).rows);
  return rows;
}

function unscaled(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  // FIXED_LEN_BYTE_ARRAY: big-endian two's complement.
  const bytes = value as Uint8Array;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}

function decimalText(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return value < 0n ? `-${text}` : text;
}

export function leafSchema(metadata: FileMetaData): SchemaElement[] {
  return metadata.schema.slice(1);
}

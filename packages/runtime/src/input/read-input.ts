import { createReadStream } from "node:fs";
import { extname } from "node:path";
import type { Readable } from "node:stream";
import { INPUT_FORMATS, invalidInput, stringSchema, type Row, type Schema } from "@conveyor/core";
import { delimitedRecords } from "./delimited.js";
import { jsonLineRecords } from "./json-lines.js";
import { parquetRecords } from "./parquet.js";
import { recordsToRows } from "./records-to-rows.js";

export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Records as read from a file: the field names, then one object per record. */
export interface RecordSource {
  fields: string[];
  records: AsyncIterable<Record<string, unknown>>;
}

export interface Input {
  schema: Schema;
  rows: AsyncIterable<Row>;
}

export interface ReadInputOptions {
  /** Default: from the file's extension (a stream needs it, or is read as CSV). */
  format?: InputFormat;
  /** The columns to read, typed; without it every field is a nullable string. */
  schema?: Schema;
  /** What errors call a stream's input (default `stdin`). */
  name?: string;
}

/**
 * An input file (CSV, TSV, NDJSON, Parquet) or a byte stream as typed rows in schema order.
 * A value that does not fit its column is an error naming the record and the column.
 */
export async function readInput(source: string | Readable, options: ReadInputOptions = {}): Promise<Input> {
  const path = typeof source === "string" ? source : (options.name ?? "stdin");
  const format = options.format ?? (typeof source === "string" ? formatOf(source) : "csv");
  const records = await openRecords(source, path, format);
  const schema = options.schema ?? stringSchema(records.fields);
  return { schema, rows: recordsToRows(records, schema, path) };
}

function formatOf(path: string): InputFormat {
  const ext = extname(path).toLowerCase().slice(1);
  if (ext === "csv" || ext === "tsv" || ext === "ndjson" || ext === "jsonl" || ext === "parquet") return ext;
  throw invalidInput("input.unknown-format", `input ${path}: cannot tell the format from "${extname(path) || "no extension"}"; use .csv, .tsv, .ndjson, .jsonl or .parquet, or set input.format`);
}

async function openRecords(source: string | Readable, path: string, format: InputFormat): Promise<RecordSource> {
  if (format === "parquet") {
    if (typeof source !== "string") throw invalidInput("input.unsupported", "Parquet input cannot be read from a stream; give a file path");
    return parquetRecords(source);
  }
  const stream = typeof source === "string" ? await openFile(source) : source;
  if (format === "ndjson" || format === "jsonl") return jsonLineRecords(stream, path);
  return delimitedRecords(stream, format === "tsv" ? "\t" : ",", path);
}

/** A read stream that has opened, so a missing file is a clear error before anything starts. */
function openFile(path: string): Promise<Readable> {
  const stream = createReadStream(path);
  return new Promise((resolve, reject) => {
    stream.once("open", () => resolve(stream));
    stream.once("error", (e: NodeJS.ErrnoException) => reject(invalidInput("input.unreadable", `cannot read input ${path}: ${e.code ?? e.message}`)));
  });
}

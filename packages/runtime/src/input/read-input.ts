import { createReadStream } from "node:fs";
import { extname } from "node:path";
import type { Readable } from "node:stream";
import { invalidInput, stringSchema, type Row, type Schema } from "@conveyor/core";
import { delimitedRecords } from "./delimited.js";
import { jsonLineRecords } from "./json-lines.js";
import { parquetRecords } from "./parquet.js";
import { recordsToRows } from "./records-to-rows.js";

export type InputFormat = "csv" | "tsv" | "ndjson" | "jsonl" | "parquet";

/** Records as read from a file: the field names, then one object per record. */
export interface RecordSource {
  fields: string[];
  records: AsyncIterable<Record<string, unknown>>;
}

export interface Input {
  schema: Schema;
  rows: AsyncIterable<Row>;
}

/**
 * Opens a job's input (a file, or `-` for stdin) as typed rows. Without a declared schema,
 * every field is a nullable string.
 */
export async function openInput(options: { path: string; format?: InputFormat; schema?: Schema; stdin?: Readable }): Promise<Input> {
  const format = options.format ?? formatOf(options.path);
  const source = await openRecords(options.path, format, options.stdin);
  const schema = options.schema ?? stringSchema(source.fields);
  return { schema, rows: recordsToRows(source, schema, options.path) };
}

function formatOf(path: string): InputFormat {
  if (path === "-") return "csv";
  const ext = extname(path).toLowerCase().slice(1);
  if (ext === "csv" || ext === "tsv" || ext === "ndjson" || ext === "jsonl" || ext === "parquet") return ext;
  throw invalidInput("input.unknown-format", `input ${path}: cannot tell the format from "${extname(path) || "no extension"}"; use .csv, .tsv, .ndjson, .jsonl or .parquet, or set input.format`);
}

async function openRecords(path: string, format: InputFormat, stdin?: Readable): Promise<RecordSource> {
  if (format === "parquet") {
    if (path === "-") throw invalidInput("input.unsupported", "Parquet input cannot be read from stdin; give a file path");
    return parquetRecords(path);
  }
  const stream = path === "-" ? (stdin ?? process.stdin) : await openFile(path);
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

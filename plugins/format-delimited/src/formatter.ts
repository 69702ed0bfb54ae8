import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { appendExtension, ConnectorError, type Formatter, type OutputFile, type Row, type Schema, type StageContext } from "@conveyor/core";
import { RowSource } from "./row-source.js";
import { MEGABYTE, type DelimitedSettings } from "./settings.js";
import { createLineEncoder, type Dialect, type LineEncoder } from "./writer.js";

/** What differs between `csv`, `tsv`, `psv` and `delimited`. */
export interface Flavor {
  readonly extension: string;
  readonly contentType: string;
}

type SplitLimit = { readonly kind: "rows" | "bytes"; readonly value: number };

/**
 * Text is handed on in ~64 KB chunks, and the formatter yields to the event loop after each:
 * a tight synchronous loop would starve node:zlib's worker, so formatting and gzip could not
 * overlap on two cores.
 */
const CHUNK_CHARS = 64 * 1024;

export class DelimitedFormatter implements Formatter {
  readonly extension: string;
  readonly contentType: string;
  private readonly dialect: Dialect;
  private readonly limit: SplitLimit | undefined;

  constructor(
    private readonly settings: DelimitedSettings,
    flavor: Flavor,
  ) {
    this.extension = flavor.extension;
    this.contentType = flavor.contentType;
    this.dialect = {
      delimiter: settings.delimiter,
      quoteMode: settings.quote_mode,
      escape: settings.escape_character,
      lineEnding: settings.line_ending === "CRLF" ? "\r\n" : "\n",
      nullValue: settings.null_value,
    };
    const split = settings.split;
    this.limit =
      split?.rows !== undefined
        ? { kind: "rows", value: split.rows }
        : split?.megabytes !== undefined
          ? { kind: "bytes", value: split.megabytes * MEGABYTE }
          : undefined;
  }

  async *format(rows: AsyncIterable<Row>, context: StageContext): AsyncGenerator<OutputFile> {
    const source = new RowSource(rows);
    const encoder = createLineEncoder(context.schema, this.dialect);
    try {
      if (!this.limit) {
        yield* this.file(appendExtension(context.baseName, this.extension), source, encoder, context);
        return;
      }
      let n = 1;
      do {
        yield* this.file(appendExtension(context.partName(n), this.extension), source, encoder, context);
        n++;
      } while (await source.hasMore());
    } finally {
      await source.close();
    }
  }

  /** Yields one file, then waits until its body has been read to the end (or failed). */
  private async *file(name: string, source: RowSource, encoder: LineEncoder, context: StageContext): AsyncGenerator<OutputFile> {
    const { signal, schema } = context;
    const chunks = fileChunks(source, encoder, this.settings.header, this.limit, signal, schema);
    const body = Readable.from(chunks, { objectMode: false });
    yield { name, body, contentType: this.contentType };
    await finished(body);
  }
}

/** An invalid Date makes `toISOString` throw a bare RangeError: say which column holds it. */
function encodeRow(encoder: LineEncoder, row: Row, schema: Schema): string {
  try {
    return encoder.row(row);
  } catch (error) {
    const index = row.findIndex((v) => v instanceof Date && Number.isNaN(v.getTime()));
    if (index < 0) throw error;
    throw new ConnectorError({
      code: "input.invalid-value",
      category: "invalid-input",
      message: `column "${schema.columns[index]?.name}" (${schema.columns[index]?.type}): an invalid date (${String(error)})`,
      cause: error,
    });
  }
}

async function* fileChunks(
  source: RowSource,
  encoder: LineEncoder,
  header: boolean,
  limit: SplitLimit | undefined,
  signal: AbortSignal,
  schema: Schema,
): AsyncGenerator<Buffer> {
  let text = header ? encoder.header() : "";
  let bytes = Buffer.byteLength(text);
  let rows = 0;
  for (;;) {
    const step = await source.next();
    if (step.done) break;
    const row = step.value;
    if (limit?.kind === "rows" && rows === limit.value) {
      source.unread(row);
      break;
    }
    const line = encodeRow(encoder, row, schema);
    if (limit?.kind === "bytes") {
      const size = Buffer.byteLength(line);
      // A file holds at least one row, even one larger than the limit.
      if (rows > 0 && bytes + size > limit.value) {
        source.unread(row);
        break;
      }
      bytes += size;
    }
    rows++;
    text += line;
    if (text.length >= CHUNK_CHARS) {
      yield Buffer.from(text, "utf8");
      text = "";
      signal.throwIfAborted();
      await yieldToEventLoop();
    }
  }
  if (text.length > 0) yield Buffer.from(text, "utf8");
}

import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { z } from "zod";
import { inject, injectable } from "tsyringe";
import type { Formatter, OutputFile, StageContext } from "../contracts.js";
import { API_VERSION, definePlugin } from "../plugin.js";
import type { Column, Row, Value } from "../schema.js";
import { implementationToken, TOKENS } from "../tokens.js";
import { appendExtension } from "./naming.js";

const settings = z
  .object({
    /** Start a new file every N rows (files named by `partName`). */
    rows_per_file: z.number().int().min(1).optional(),
  })
  .strict();

/** Flush to the stream in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/**
 * JSON Lines: one object per row, keyed by column name. Built into core as the simplest real
 * formatter, for hosts that want newline-delimited JSON and for testing destinations.
 */
@injectable()
export class JsonLinesFormatter implements Formatter {
  readonly extension = ".jsonl";
  readonly contentType = "application/x-ndjson";
  private readonly rowsPerFile: number;

  constructor(@inject(TOKENS.settings) options: z.output<typeof settings>) {
    this.rowsPerFile = options.rows_per_file ?? Infinity;
  }

  async *format(rows: AsyncIterable<Row>, context: StageContext): AsyncIterable<OutputFile> {
    const iterator = rows[Symbol.asyncIterator]();
    const columns = context.schema.columns;
    const limit = this.rowsPerFile;
    let next = await iterator.next();
    let part = 0;
    // At least one file, so an empty result still lands.
    do {
      part++;
      const base = limit === Infinity ? context.baseName : context.partName(part);
      const body = Readable.from(
        (async function* () {
          let batch = "";
          for (let count = 0; !next.done && count < limit; count++) {
            batch += jsonLine(columns, next.value);
            next = await iterator.next();
            if (batch.length >= CHUNK) {
              yield batch;
              batch = "";
            }
          }
          if (batch) yield batch;
        })(),
      );
      yield { name: appendExtension(base, this.extension), body, contentType: this.contentType };
      // The next file starts only once this one has been read to its end.
      await finished(body);
    } while (!next.done);
  }
}

function jsonLine(columns: readonly Column[], row: Row): string {
  const object: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) object[columns[i]!.name] = jsonValue(columns[i]!, row[i] ?? null);
  return JSON.stringify(object) + "\n";
}

function jsonValue(column: Column, value: Value): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return column.type === "date" ? value.toISOString().slice(0, 10) : value.toISOString();
  return value;
}

export const jsonLinesPlugin = definePlugin({
  id: "jsonl",
  kind: "formatter",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "JSON Lines",
  description: "One JSON object per row and line (newline-delimited JSON).",
  settings,
  register(container) {
    container.register(implementationToken("formatter", "jsonl"), { useClass: JsonLinesFormatter });
  },
});

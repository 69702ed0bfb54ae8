import type { Readable } from "node:stream";
import { invalidInput } from "@conveyor/core";
import { parse } from "fast-csv";
import type { RecordSource } from "./read-input.js";

/** CSV/TSV with a header row, parsed by fast-csv. */
export async function delimitedRecords(stream: Readable, delimiter: string, path: string): Promise<RecordSource> {
  let fields: string[] | undefined;
  const parser = stream.pipe(
    parse({
      delimiter,
      headers: (header) => {
        fields = header.map((h) => (h ?? "").trim());
        return fields;
      },
      ignoreEmpty: true,
      strictColumnHandling: true,
    }),
  );
  const badRows: string[] = [];
  parser.on("data-invalid", (_row: unknown, rowNumber: number) => badRows.push(String(rowNumber + 1)));
  stream.on("error", (error) => parser.destroy(error));
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<Record<string, string>>;
  const first = await iterator.next().catch((error: Error) => {
    throw invalidInput("input.syntax", `input ${path}: ${error.message}`);
  });
  if (!fields) throw invalidInput("input.empty", `input ${path} is empty: expected a header row`);
  async function* records(): AsyncGenerator<Record<string, unknown>> {
    let line = 1;
    try {
      for (let r = first; !r.done; r = await iterator.next()) {
        line++;
        yield r.value;
      }
    } catch (error) {
      throw invalidInput("input.syntax", `input ${path} near line ${line}: ${(error as Error).message}`);
    }
    if (badRows.length > 0) {
      throw invalidInput("input.syntax", `input ${path}: row${badRows.length > 1 ? "s" : ""} ${badRows.slice(0, 5).join(", ")} ha${badRows.length > 1 ? "ve" : "s"} a different number of fields than the header`);
    }
  }
  return { fields, records: records() };
}

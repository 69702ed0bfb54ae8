import { parseString } from "fast-csv";
import { parquetReadObjects } from "hyparquet";

/** A delimited file as rows of text, the header row first, read with fast-csv's parser. */
export function parseDelimited(bytes: Buffer | string, delimiter: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(typeof bytes === "string" ? bytes : bytes.toString("utf8"), { delimiter })
      .on("data", (r: string[]) => rows.push(r))
      .on("end", () => resolve(rows))
      .on("error", reject);
  });
}

/** A Parquet file's rows as objects, read with hyparquet (longs as bigint). */
export async function parseParquet(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as Record<string, unknown>[];
}

const DELIMITERS: Record<string, string> = { csv: ",", tsv: "\t", psv: "|" };

/** Rows in every formatted file of an export (header rows not counted), by file extension. */
export async function countRows(files: ReadonlyMap<string, Buffer>): Promise<number> {
  let rows = 0;
  for (const [name, bytes] of files) {
    const extension = name.slice(name.lastIndexOf(".") + 1);
    if (extension === "parquet") rows += (await parseParquet(bytes)).length;
    else if (DELIMITERS[extension]) rows += (await parseDelimited(bytes, DELIMITERS[extension]!)).length - 1;
  }
  return rows;
}

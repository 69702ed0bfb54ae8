import { Readable } from "node:stream";
import type { OutputFile, Row } from "@conveyor/core";

/** Rows from `source`, counting how many the consumer has pulled so far. */
export function countingRows(source: AsyncIterable<Row>): { rows: AsyncIterable<Row>; pulled: () => number } {
  let pulled = 0;
  async function* counted(): AsyncGenerator<Row> {
    for await (const row of source) {
      pulled++;
      yield row;
    }
  }
  return { rows: counted(), pulled: () => pulled };
}

/**
 * A file whose body is generated lazily, `chunks` × `chunkSize` bytes of a repeating but
 * not trivially compressible pattern, counting what has been read.
 */
export function lazyFile(name: string, chunks: number, chunkSize = 64 * 1024): { file: OutputFile; produced: () => number } {
  let produced = 0;
  let i = 0;
  const body = new Readable({
    read() {
      if (i === chunks) return void this.push(null);
      const chunk = Buffer.alloc(chunkSize);
      for (let j = 0; j < chunkSize; j += 4) chunk.writeUInt32LE((Math.imul(i * chunkSize + j, 2654435761) >>> 0) & 0x7f7f7f7f, j);
      i++;
      produced += chunk.length;
      this.push(chunk);
    },
  });
  return { file: { name, body, contentType: "application/octet-stream" }, produced: () => produced };
}

export function bufferFile(name: string, bytes: Buffer, contentType = "text/plain"): OutputFile {
  return { name, body: Readable.from([bytes]), contentType };
}

/** A body that delivers some bytes, then fails. */
export function failingFile(name: string, error: Error): OutputFile {
  let sent = false;
  const body = new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.from("partial content\n"));
      } else {
        this.destroy(error);
      }
    },
  });
  return { name, body, contentType: "text/plain" };
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Resolves with the number of bytes `produced()` reported when the first output byte arrived. */
export async function producedAtFirstByte(output: Readable, produced: () => number): Promise<number> {
  return new Promise((resolve, reject) => {
    output.once("data", () => {
      const at = produced();
      output.destroy();
      resolve(at);
    });
    output.once("error", reject);
  });
}

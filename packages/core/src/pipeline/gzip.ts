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
  // A 4 MB input buffer lets the formatter (main thread) run ahead while zlib (thread pool)
  // compresses, so the two overlap on two cores: 1M customer rows CSV + gzip went from
  // 5.9–6.8 s to 4.1–4.8 s here, about the time of gzip alone. 128 KB output chunks mean
  // fewer round trips to the zlib thread.
  const options: ZlibOptions & TransformOptions = { level, chunkSize: 128 * 1024, writableHighWaterMark: 4 * 1024 * 1024 };
  const gzip = createGzip(options);
  pipeline(body, gzip, () => {
    // pipeline has already destroyed `gzip` with the error, which is where the reader sees it.
  });
  return gzip;
}

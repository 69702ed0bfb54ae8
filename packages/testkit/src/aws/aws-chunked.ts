/**
 * Removes `aws-chunked` framing (STREAMING-* payloads) from a request body, so s3rver stores
 * the object's bytes rather than the chunk headers, signatures and checksum trailers the SDK
 * wraps them in. Chunk signatures are not checked; the seed signature is.
 */
import { Transform, type TransformCallback } from "node:stream";

export function createAwsChunkedDecoder(): Transform {
  let buffer: Buffer = Buffer.alloc(0);
  let remaining = 0; // data bytes left in the current chunk
  let state: "header" | "data" | "crlf" | "trailer" = "header";

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      try {
        for (;;) {
          if (state === "data") {
            if (buffer.length === 0) break;
            const n = Math.min(remaining, buffer.length);
            this.push(buffer.subarray(0, n));
            buffer = buffer.subarray(n);
            remaining -= n;
            if (remaining === 0) state = "crlf";
            continue;
          }
          if (state === "trailer") {
            buffer = Buffer.alloc(0); // checksum trailers after the last chunk are dropped
            break;
          }
          const eol = buffer.indexOf("\r\n");
          if (eol < 0) break;
          const line = buffer.subarray(0, eol).toString("latin1");
          buffer = buffer.subarray(eol + 2);
          if (state === "crlf") {
            if (line !== "") throw new Error("aws-chunked: missing CRLF after chunk data");
            state = "header";
            continue;
          }
          const size = parseInt(line.split(";")[0]!, 16);
          if (!Number.isFinite(size)) throw new Error(`aws-chunked: bad chunk header ${JSON.stringify(line.slice(0, 80))}`);
          if (size === 0) state = "trailer";
          else {
            remaining = size;
            state = "data";
          }
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

import type { Readable } from "node:stream";

/**
 * A node Readable as a pull-based web ReadableStream (what openpgp reads). Not
 * `Readable.toWeb`: on Node 20 it can enqueue into an already-closed controller after the
 * consumer cancels, an uncaught ERR_INVALID_STATE. Pulling from the async iterator keeps
 * back-pressure, passes the body's error on, and cancelling destroys the body.
 */
export function toWebStream(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      async cancel(reason) {
        body.destroy(reason instanceof Error ? reason : undefined);
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

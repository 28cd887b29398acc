/**
 * Bytes for the JavaScript stages of an upload (hashing, the type check, counting) come in chunks of this size.
 * workerd hands a request body (or an R2 object's body) to JavaScript 4 KiB at a time, and every chunk through a
 * JavaScript stream costs far more than its bytes: 10 MiB is 2,560 chunks, which took an upload from 1.0× to
 * 0.6× of a bare R2 put (bench/README.md, "Where an upload's time goes"). 64 KiB chunks were as fast as 256 KiB
 * and 1 MiB ones there, and hold the least memory per upload in flight.
 */
export const LARGE_CHUNK_BYTES = 64 * 1024;

/**
 * The same bytes, regrouped into chunks of LARGE_CHUNK_BYTES (the last one smaller), read by a BYOB reader that
 * fills each buffer natively before JavaScript sees it. One buffer is read at a time and only when asked for
 * (no read-ahead), so memory stays at a buffer or two whatever the upload's size. A stream that is not a byte
 * stream (one made in JavaScript, as a form's file part) is returned as it is.
 */
export const inLargeChunks = (
  body: ReadableStream<Uint8Array>,
  size = LARGE_CHUNK_BYTES,
): ReadableStream<Uint8Array> => {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    return body;
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await reader.readAtLeast(size, new Uint8Array(size));
        if (value && value.byteLength > 0) controller.enqueue(value);
        if (done || !value || value.byteLength < size) {
          controller.close();
          reader.releaseLock();
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
};

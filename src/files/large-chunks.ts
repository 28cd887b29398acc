/**
 * Bytes for the JavaScript stages of an upload (counting, hashing, the type check) come in chunks of this size.
 * workerd hands a request body (or an R2 object's body) to JavaScript 4 KiB at a time, and every chunk JavaScript
 * touches costs far more than its bytes: piped through a TransformStream, 10 MiB took 107–138 ms more CPU than a bare
 * R2 put and ran at 0.6× its speed (bench/README.md, "Where an upload's time goes"). Read in chunks of 64 KiB to
 * 1 MiB and written on by a plain loop, it costs what a bare put does; 1 MiB makes the fewest calls, and with one
 * reused buffer (`reuse`) it is all an upload holds.
 */
export const LARGE_CHUNK_BYTES = 1024 * 1024;

export interface ChunkOptions {
  /** Bytes per chunk. */
  size?: number;
  /**
   * Each chunk read into the buffer of the one before, once the loop asks for the next: a chunk is valid only until
   * then, so only for a loop that keeps none. The body then takes one buffer whatever its size, instead of a new one
   * per chunk left for the garbage collector (with those, a 100 MiB upload peaked 51 MiB above a bare R2 put's
   * memory; with one, 4–6 MiB: bench/README.md).
   */
  reuse?: boolean;
}

/**
 * The bytes of `body`, in order, in chunks of `size` (the last one smaller), each filled natively by a BYOB reader
 * before JavaScript sees it. A chunk is read only when the loop asks for the next one (no read-ahead), so memory
 * stays at one chunk whatever the body's size. A stream that is not a byte stream (one made in JavaScript, as a
 * form's file part) is read as its chunks come. Leaving the loop early cancels the body.
 */
export async function* largeChunks(
  body: ReadableStream<Uint8Array>,
  { size = LARGE_CHUNK_BYTES, reuse = false }: ChunkOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    yield* body;
    return;
  }
  let finished = false;
  let spare: ArrayBuffer | undefined;
  try {
    for (;;) {
      // The read takes the buffer over (detaches it) and hands it back as `value`'s.
      const { value, done } = await reader.readAtLeast(size, new Uint8Array(spare ?? new ArrayBuffer(size)));
      // Fewer than `size` bytes only at the body's end.
      finished = done || !value || value.byteLength < size;
      if (!value || finished) {
        if (value && value.byteLength > 0) yield value;
        return;
      }
      yield value;
      if (reuse) spare = value.buffer;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

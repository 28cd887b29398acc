import { createHash } from "node:crypto";
import { ApiError } from "../http/api-error";
import { largeChunks } from "./large-chunks";
import { SNIFF_BYTES, signatureProblem } from "./signature";

export interface StoredBytes {
  sizeBytes: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
}

export interface StoreOptions {
  /** The body's length (its Content-Length): R2 needs it up front, and the upload must have exactly it. */
  length: number;
  contentType: string;
}

export const concat = (chunks: Uint8Array[]) => {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
};

export interface CheckOptions {
  contentType: string;
  /** At most `bytes` (refused with `tooLong()`); with `tooShort`, exactly `bytes` (a body of declared length). */
  limit?: { bytes: number; tooLong: () => ApiError; tooShort?: () => ApiError };
}

/**
 * Watches bytes on their way to storage without holding more than their first few kilobytes: counts and hashes
 * them (SHA-256), and holds the first SNIFF_BYTES back until checked against the declared type, so storage never
 * sees a byte of a file that is refused (422 `content-type-mismatch`). A refusal is thrown by the call that found
 * it; the caller then stops storing. Plain method calls per chunk (no stream of its own): each chunk JavaScript
 * touches in a stream costs far more than hashing it (large-chunks.ts). It keeps no chunk it was given past the
 * call, only copies of the few first bytes it holds, so the caller may reuse a chunk's buffer.
 */
export class ByteCheck {
  readonly #contentType: string;
  readonly #limit: CheckOptions["limit"];
  readonly #hash = createHash("sha256");
  #seen = 0;
  #held: Uint8Array[] | null = [];

  constructor({ contentType, limit }: CheckOptions) {
    this.#contentType = contentType;
    this.#limit = limit;
  }

  /** The next chunk: what may now be stored (nothing while the first bytes are held, then all of them). */
  async take(chunk: Uint8Array): Promise<Uint8Array[]> {
    this.#seen += chunk.byteLength;
    if (this.#limit && this.#seen > this.#limit.bytes) throw this.#limit.tooLong();
    this.#hash.update(chunk);
    if (!this.#held) return [chunk];
    // A first chunk that holds the whole head (a large chunk always does) is checked as it is.
    if (this.#held.length === 0 && chunk.byteLength >= SNIFF_BYTES) return this.#release([chunk]);
    // Kept past this call, so copied: the caller may read its next chunk into this one's buffer (large-chunks.ts).
    this.#held.push(chunk.slice());
    return this.#seen >= SNIFF_BYTES ? this.#release(this.#held) : [];
  }

  /** The end of the bytes: what is still held, once checked; a body shorter than its declared length is refused. */
  async end(): Promise<Uint8Array[]> {
    const rest = this.#held ? await this.#release(this.#held) : [];
    if (this.#limit?.tooShort && this.#seen < this.#limit.bytes) throw this.#limit.tooShort();
    return rest;
  }

  /** Size and SHA-256 of every byte taken; call once, after `end`. */
  result(): StoredBytes {
    return { sizeBytes: this.#seen, sha256: this.#hash.digest("hex") };
  }

  /** Checks the head of `held` (the first bytes, in order) against the declared type; answers them once passed. */
  async #release(held: Uint8Array[]): Promise<Uint8Array[]> {
    const [first] = held;
    const head = first && first.byteLength >= SNIFF_BYTES ? first : concat(held);
    const problem = await signatureProblem(this.#contentType, head.subarray(0, SNIFF_BYTES));
    if (problem) throw new ApiError("content-type-mismatch", `${problem} Declare the type the file really has.`);
    this.#held = null;
    return held;
  }
}

/** `chunks` through `check`: the bytes that may be stored, in order; a refusal is thrown by the loop reading them. */
export async function* checked(
  chunks: AsyncIterable<Uint8Array>,
  check: ByteCheck,
): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of chunks) yield* await check.take(chunk);
  yield* await check.end();
}

/**
 * Streams a request body of known length, checked (ByteCheck), into `write` (an R2 put or a part of a multipart
 * upload) through a FixedLengthStream, as R2 needs the length up front: a body that is not `length` long is a 400.
 * One large chunk at a time (large-chunks.ts), each written once the last one was taken, all into one buffer.
 * Anything failing aborts the stream, so storage ends with an error and keeps nothing; the ApiError of a refusal is
 * what rejects.
 */
export const streamWithLength = async <T>(
  body: ReadableStream<Uint8Array>,
  { length, contentType }: StoreOptions,
  write: (readable: ReadableStream<Uint8Array>) => Promise<T>,
): Promise<StoredBytes & { written: T }> => {
  const check = new ByteCheck({
    contentType,
    limit: {
      bytes: length,
      tooLong: () => new ApiError("malformed-request", `The body is longer than its Content-Length (${length}).`),
      tooShort: () => new ApiError("malformed-request", `The body is shorter than its Content-Length (${length}).`),
    },
  });
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  const writing = write(fixed.readable);
  // If storing fails before it has read everything, a write would wait for ever on a stream nobody reads.
  const failed = writing.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error),
  );
  failed.catch(() => undefined);
  try {
    // A write resolves once storage has taken the chunk's bytes, so its buffer may take the next (`reuse`).
    for await (const chunk of checked(largeChunks(body, { reuse: true }), check)) {
      await Promise.race([writer.write(chunk), failed]);
    }
    await Promise.race([writer.close(), failed]);
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    await writing.catch(() => undefined);
    throw error;
  }
  return { ...check.result(), written: await writing };
};

/** A request body of known length into one R2 object. */
export const streamToR2 = async (
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  options: StoreOptions,
): Promise<StoredBytes> => {
  const { sizeBytes, sha256 } = await streamWithLength(body, options, (readable) =>
    bucket.put(key, readable, { httpMetadata: { contentType: options.contentType } }),
  );
  return { sizeBytes, sha256 };
};

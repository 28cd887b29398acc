import { ApiError } from "../http/api-error";
import { inLargeChunks } from "./large-chunks";
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

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

export const concat = (chunks: Uint8Array[]) => {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
};

export interface Inspection {
  /** Bytes in, the same bytes out: counted, hashed, and the first ones held back until checked. */
  stream: TransformStream<Uint8Array, Uint8Array>;
  /** The refusal that errored the stream, if one did (other errors come from elsewhere in the pipe). */
  refusal: () => ApiError | undefined;
  /** Size and SHA-256, once the stream has flushed. */
  result: () => Promise<StoredBytes>;
}

export interface InspectOptions {
  contentType: string;
  /** At most `bytes` (refused with `tooLong()`); with `tooShort`, exactly `bytes` (a body of declared length). */
  limit?: { bytes: number; tooLong: () => ApiError; tooShort?: () => ApiError };
}

/**
 * Watches bytes on their way to storage without holding more than a few kilobytes of them: counts
 * and hashes them (SHA-256), and holds the first ones back until checked against the declared type,
 * so storage never sees a byte of a file that is refused (422 `content-type-mismatch`). A refusal
 * errors the stream, so whatever it is piped into stores nothing.
 */
export const inspectBytes = ({ contentType, limit }: InspectOptions): Inspection => {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  let refusal: ApiError | undefined;
  const refuse = (error: ApiError) => {
    refusal = error;
    throw error;
  };
  let seen = 0;
  let held: Uint8Array[] | null = [];
  const release = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (!held) return;
    const problem = await signatureProblem(contentType, concat(held));
    if (problem) refuse(new ApiError("content-type-mismatch", `${problem} Declare the type the file really has.`));
    for (const chunk of held) controller.enqueue(chunk);
    held = null;
  };
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      if (limit && seen > limit.bytes) refuse(limit.tooLong());
      await hashing.write(chunk);
      if (!held) return controller.enqueue(chunk);
      held.push(chunk);
      if (seen >= SNIFF_BYTES) await release(controller);
    },
    async flush(controller) {
      await release(controller);
      if (limit?.tooShort && seen < limit.bytes) refuse(limit.tooShort());
      await hashing.close();
    },
  });
  return {
    stream,
    refusal: () => refusal,
    result: async () => ({ sizeBytes: seen, sha256: hex(await digest.digest) }),
  };
};

/**
 * Streams a request body of known length through inspectBytes into `write` (an R2 put or a part of a
 * multipart upload): a body that is not `length` long is a 400. The ApiError of a refusal is what
 * rejects, whatever else failed because of it.
 */
export const streamWithLength = async <T>(
  body: ReadableStream<Uint8Array>,
  { length, contentType }: StoreOptions,
  write: (readable: ReadableStream<Uint8Array>) => Promise<T>,
): Promise<StoredBytes & { written: T }> => {
  const inspection = inspectBytes({
    contentType,
    limit: {
      bytes: length,
      tooLong: () => new ApiError("malformed-request", `The body is longer than its Content-Length (${length}).`),
      tooShort: () => new ApiError("malformed-request", `The body is shorter than its Content-Length (${length}).`),
    },
  });
  // R2 needs the length of a stream before it starts; FixedLengthStream carries it.
  const fixed = new FixedLengthStream(length);
  // If storing fails before it has read everything, nothing reads the rest: stop the pipe, or the
  // request would wait for ever on a full stream.
  const stop = new AbortController();
  const writing = write(fixed.readable);
  writing.catch((error: unknown) => stop.abort(error));
  const [written, piped] = await Promise.allSettled([
    writing,
    inLargeChunks(body).pipeThrough(inspection.stream).pipeTo(fixed.writable, { signal: stop.signal }),
  ]);
  const refusal = inspection.refusal();
  if (refusal) throw refusal;
  if (piped.status === "rejected") throw piped.reason;
  if (written.status === "rejected") throw written.reason;
  return { ...(await inspection.result()), written: written.value };
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

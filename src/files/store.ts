import { ApiError } from "../http/api-error";
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

const concat = (chunks: Uint8Array[]) => {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
};

/**
 * Streams a request body into R2 without holding more than a few kilobytes of it: on the way the
 * bytes are counted, hashed (SHA-256) and their first bytes checked against the declared type
 * before any is passed on. A refusal (422 for bytes that are not the declared type, 400 for a body
 * that is not `length` long) errors the stream, so R2 stores nothing; the ApiError is what rejects.
 */
export const streamToR2 = async (
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  { length, contentType }: StoreOptions,
): Promise<StoredBytes> => {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  let refusal: ApiError | undefined;
  const refuse = (error: ApiError) => {
    refusal = error;
    throw error;
  };
  let seen = 0;
  // The first bytes are held back until checked, so R2 never sees a byte of a file that is refused.
  let held: Uint8Array[] | null = [];
  const release = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (!held) return;
    const problem = await signatureProblem(contentType, concat(held));
    if (problem) refuse(new ApiError("content-type-mismatch", `${problem} Declare the type the file really has.`));
    for (const chunk of held) controller.enqueue(chunk);
    held = null;
  };
  const inspect = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > length)
        refuse(new ApiError("malformed-request", `The body is longer than its Content-Length (${length}).`));
      await hashing.write(chunk);
      if (!held) return controller.enqueue(chunk);
      held.push(chunk);
      if (seen >= SNIFF_BYTES) await release(controller);
    },
    async flush(controller) {
      await release(controller);
      if (seen !== length)
        refuse(new ApiError("malformed-request", `The body is shorter than its Content-Length (${length}).`));
      await hashing.close();
    },
  });
  // R2 needs the length of a stream before it starts; FixedLengthStream carries it.
  const fixed = new FixedLengthStream(length);
  const [stored, piped] = await Promise.allSettled([
    bucket.put(key, fixed.readable, { httpMetadata: { contentType } }),
    body.pipeThrough(inspect).pipeTo(fixed.writable),
  ]);
  if (refusal) throw refusal;
  if (stored.status === "rejected") throw stored.reason;
  if (piped.status === "rejected") throw piped.reason;
  return { sizeBytes: seen, sha256: hex(await digest.digest) };
};

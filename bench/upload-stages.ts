import { Hono } from "hono";
import type { AppEnv } from "../src/env";
import { largeChunks } from "../src/files/large-chunks";
import { streamWithLength } from "../src/files/store";
import { Status } from "../src/http/status";

/**
 * `POST /files` taken apart (bench/uploads.mjs): a raw body of known length moved to R2 through one more stage of
 * the service's pipeline at a time, so the difference between two stages is what the added one costs. workerd's
 * clock stands still while JavaScript runs, so timing inside the worker would not see per-chunk work: the client
 * times each stage. `count` stores nothing and answers how the body arrived (chunks and their sizes).
 */
type Stage = (
  body: ReadableStream<Uint8Array>,
  length: number,
  put: (bytes: ReadableStream) => Promise<unknown>,
  /** `?kib=`: the chunk size of the large-chunks stage. */
  kib: number,
) => Promise<unknown>;

/** Into a FixedLengthStream, as R2 needs a stream's length up front. */
const fixedLength = (
  body: ReadableStream<Uint8Array>,
  length: number,
  put: (bytes: ReadableStream) => Promise<unknown>,
) => {
  const fixed = new FixedLengthStream(length);
  return Promise.all([put(fixed.readable), body.pipeTo(fixed.writable)]);
};

const STAGES: Record<string, Stage> = {
  /** The body as it came, straight into R2 (the twin of the bench's main run). */
  bare: (body, _length, put) => put(body),
  fixed: fixedLength,
  /** Through a JavaScript TransformStream that only passes each chunk on: the price of touching chunks in JS. */
  passthrough: (body, length, put) => fixedLength(body.pipeThrough(new TransformStream()), length, put),
  /** As passthrough, each chunk also written to a DigestStream and awaited, as the service did. */
  digest: (body, length, put) => {
    const digest = new crypto.DigestStream("SHA-256");
    const hashing = digest.getWriter();
    const hashed = new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        await hashing.write(chunk);
        controller.enqueue(chunk);
      },
      flush: () => hashing.close(),
    });
    return Promise.all([fixedLength(body.pipeThrough(hashed), length, put), digest.digest]);
  },
  /** As digest, but the writes to the DigestStream are not awaited: one synchronous JS call per chunk. */
  "digest-unawaited": (body, length, put) => {
    const digest = new crypto.DigestStream("SHA-256");
    const hashing = digest.getWriter();
    const hashed = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hashing.write(chunk).catch(() => undefined);
        controller.enqueue(chunk);
      },
      flush: () => hashing.close(),
    });
    return Promise.all([fixedLength(body.pipeThrough(hashed), length, put), digest.digest]);
  },
  /** No JavaScript per chunk: the body teed (natively) into a DigestStream and into R2. */
  tee: (body, length, put) => {
    const [toStore, toHash] = body.tee();
    const digest = new crypto.DigestStream("SHA-256");
    return Promise.all([fixedLength(toStore, length, put), toHash.pipeTo(digest), digest.digest]);
  },
  /**
   * The body in large chunks (src/files/large-chunks.ts, `?kib=` each), each written by JavaScript into the
   * FixedLengthStream, as the service's pipeline does, but unchecked: the price of touching that many chunks.
   */
  "large-chunks": async (body, length, put, kib) => {
    const fixed = new FixedLengthStream(length);
    const writer = fixed.writable.getWriter();
    const storing = put(fixed.readable);
    for await (const chunk of largeChunks(body, { size: kib * 1024, reuse: true })) await writer.write(chunk);
    await writer.close();
    return storing;
  },
  /** The service's own pipeline (src/files/store.ts): size, SHA-256 and the declared type's check. */
  service: (body, length, put) => streamWithLength(body, { length, contentType: "application/octet-stream" }, put),
};

export const uploadStages = new Hono<AppEnv>()
  .put("/_bench/upload-stages/count", async (c) => {
    const body = c.req.raw.body;
    if (!body) return c.json({ error: "no body" }, Status.BAD_REQUEST);
    const sizes: number[] = [];
    for await (const chunk of body) sizes.push(chunk.byteLength);
    sizes.sort((a, b) => a - b);
    return c.json(
      {
        chunks: sizes.length,
        bytes: sizes.reduce((sum, size) => sum + size, 0),
        smallest: sizes[0] ?? 0,
        median: sizes[Math.floor(sizes.length / 2)] ?? 0,
        largest: sizes.at(-1) ?? 0,
      },
      Status.OK,
    );
  })
  .put("/_bench/upload-stages/:stage", async (c) => {
    const stage = STAGES[c.req.param("stage")];
    const body = c.req.raw.body;
    const length = Number(c.req.header("Content-Length"));
    if (!stage || !body || !Number.isInteger(length))
      return c.json({ error: "no such stage, or no body" }, Status.BAD_REQUEST);
    const kib = Number(c.req.query("kib") ?? 256);
    await stage(body, length, (bytes) => c.env.FILES.put(`bench/stage-${c.req.param("stage")}`, bytes), kib);
    return c.json({ stored: length }, Status.CREATED);
  });

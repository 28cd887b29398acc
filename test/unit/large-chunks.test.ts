import { describe, expect, it } from "vitest";
import { LARGE_CHUNK_BYTES, largeChunks } from "../../src/files/large-chunks";
import { streamWithLength } from "../../src/files/store";

/**
 * The upload pipeline's regrouping (src/files/large-chunks.ts), in workerd: request bodies reach JavaScript 4 KiB
 * at a time, and the pipeline reads them in LARGE_CHUNK_BYTES instead, without reading ahead. The bodies here are
 * workerd's own byte streams (an IdentityTransformStream's readable), as a request body is.
 */

/** A native byte stream fed `total` bytes in writes of `size`; `written()` counts what its reader has taken so far. */
const nativeBody = (total: number, size = 4096) => {
  const { readable, writable } = new IdentityTransformStream();
  let written = 0;
  const feeding = (async () => {
    const writer = writable.getWriter();
    for (let at = 0; at < total; at += size) {
      const chunk = new Uint8Array(Math.min(size, total - at)).fill(at / size);
      // An IdentityTransformStream has no queue: a write resolves once its reader has taken the bytes.
      await writer.write(chunk);
      written += chunk.byteLength;
    }
    await writer.close();
  })();
  return { readable, written: () => written, feeding };
};

describe("largeChunks", () => {
  it("hands on a native body in chunks of LARGE_CHUNK_BYTES, the last one the rest, every byte in order", async () => {
    const total = 3 * LARGE_CHUNK_BYTES + 1000;
    const body = nativeBody(total);
    const chunks: Uint8Array[] = [];
    for await (const chunk of largeChunks(body.readable)) chunks.push(chunk);
    await body.feeding;
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([
      LARGE_CHUNK_BYTES,
      LARGE_CHUNK_BYTES,
      LARGE_CHUNK_BYTES,
      1000,
    ]);
    const joined = new Uint8Array(await new Blob(chunks).arrayBuffer());
    for (let at = 0; at < total; at += 4096) expect(joined[at], `byte ${at}`).toBe((at / 4096) & 0xff);
  });

  it("reads nothing ahead: one chunk asked for, at most one chunk taken from the body", async () => {
    const body = nativeBody(10 * LARGE_CHUNK_BYTES);
    const chunks = largeChunks(body.readable);
    await chunks.next();
    // Give the body every chance to be read further if anything were pulling.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(body.written()).toBeLessThanOrEqual(LARGE_CHUNK_BYTES + 4096);
    await chunks.return();
    // Leaving the loop early cancels the body: its feeding stops with the cancellation.
    await expect(body.feeding).rejects.toThrow();
  });

  it("reads a stream made in JavaScript (not a byte stream) as its chunks come", async () => {
    const made = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.enqueue(new Uint8Array(20));
        controller.close();
      },
    });
    const sizes: number[] = [];
    for await (const chunk of largeChunks(made)) sizes.push(chunk.byteLength);
    expect(sizes).toEqual([10, 20]);
  });
});

describe("streamWithLength on a large body", () => {
  it("stores 100 MiB holding at most a few chunks in memory: what the body gave minus what storage took stays bounded", async () => {
    const total = 100 * 1024 * 1024;
    // Fed in large writes, so the test spends its time on the pipeline rather than on feeding it.
    const body = nativeBody(total, LARGE_CHUNK_BYTES);
    let taken = 0;
    let mostHeld = 0;
    const stored = await streamWithLength(
      body.readable,
      { length: total, contentType: "application/octet-stream" },
      async (readable) => {
        // A storage that pauses now and then (a timer every 16th chunk: workerd's timers are coarse), so anything
        // that read ahead meanwhile would show.
        let chunks = 0;
        for await (const chunk of readable) {
          mostHeld = Math.max(mostHeld, body.written() - taken);
          taken += chunk.byteLength;
          if (++chunks % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        }
      },
    );
    await body.feeding;
    expect(stored.sizeBytes).toBe(total);
    expect(taken).toBe(total);
    // The chunk being checked and the one being written, and what is in flight to storage: a few chunks, not 100.
    expect(mostHeld).toBeLessThanOrEqual(4 * LARGE_CHUNK_BYTES);
  }, 60_000);
});

describe("streamWithLength keeps its checks on large chunks", () => {
  /** A storage that records what it was given and whether the stream ended cleanly. */
  const recordingStore = () => {
    const seen = { bytes: 0, ended: false, failed: false };
    const write = async (readable: ReadableStream<Uint8Array>) => {
      try {
        for await (const chunk of readable) seen.bytes += chunk.byteLength;
        seen.ended = true;
      } catch (error) {
        seen.failed = true;
        throw error;
      }
    };
    return { seen, write };
  };

  it.each([
    { sent: 3 * LARGE_CHUNK_BYTES - 10, declared: 3 * LARGE_CHUNK_BYTES, detail: "shorter than its Content-Length" },
    { sent: 3 * LARGE_CHUNK_BYTES + 10, declared: 3 * LARGE_CHUNK_BYTES, detail: "longer than its Content-Length" },
  ])(
    "a body of $sent bytes declared as $declared is refused, and storage never sees a clean end",
    async ({ sent, declared, detail }) => {
      const body = nativeBody(sent);
      body.feeding.catch(() => undefined);
      const store = recordingStore();
      await expect(
        streamWithLength(body.readable, { length: declared, contentType: "application/octet-stream" }, store.write),
      ).rejects.toThrow(detail);
      expect(store.seen.ended).toBe(false);
    },
  );

  it("a body that is not its declared type reaches storage with no byte at all", async () => {
    const body = nativeBody(2 * LARGE_CHUNK_BYTES);
    body.feeding.catch(() => undefined);
    const store = recordingStore();
    await expect(
      streamWithLength(body.readable, { length: 2 * LARGE_CHUNK_BYTES, contentType: "image/png" }, store.write),
    ).rejects.toMatchObject({ type: "content-type-mismatch" });
    expect(store.seen).toMatchObject({ bytes: 0, ended: false });
  });

  it("storage failing half-way answers its error at once, and the rest of the body is not read", async () => {
    const body = nativeBody(8 * LARGE_CHUNK_BYTES);
    body.feeding.catch(() => undefined);
    const failing = async (readable: ReadableStream<Uint8Array>) => {
      // Takes one chunk, then fails without reading (or cancelling) the rest, as a storage that broke down would.
      await readable.getReader().read();
      throw new Error("storage is down");
    };
    await expect(
      streamWithLength(
        body.readable,
        { length: 8 * LARGE_CHUNK_BYTES, contentType: "application/octet-stream" },
        failing,
      ),
    ).rejects.toThrow("storage is down");
    await expect(body.feeding).rejects.toThrow();
    expect(body.written()).toBeLessThan(8 * LARGE_CHUNK_BYTES);
  });

  it("hashes every byte: the SHA-256 is the whole body's", async () => {
    const total = 2 * LARGE_CHUNK_BYTES + 123;
    const bytes = new Uint8Array(total);
    for (let at = 0; at < total; at += 4096) bytes.fill(at / 4096, at, at + 4096);
    const body = nativeBody(total);
    const stored = await streamWithLength(
      body.readable,
      { length: total, contentType: "application/octet-stream" },
      recordingStore().write,
    );
    const expected = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
      .map((byte) => byte.toString(16).padStart(2, "0"))
      .join("");
    expect(stored).toMatchObject({ sizeBytes: total, sha256: expected });
  });
});

import { describe, expect, it } from "vitest";
import { countCsvRecords, countPdfPages } from "../../src/previews/make-preview";
import { makePdf } from "../support/images";

/** A stream of `text`'s bytes cut every `size` bytes, so markers and quotes fall across chunk edges. */
const chunked = (text: string | Uint8Array, size: number) => {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size));
      controller.close();
    },
  });
};

describe("preview scans", () => {
  const csv = 'name,note\nada,"two\nlines"\r\nbob,plain\ncy,"a ""quoted"" word"';

  it.each([1, 2, 7, 1024])("counts CSV records whatever the chunk size (%i bytes)", async (size) => {
    expect(await countCsvRecords(chunked(csv, size), 1_000)).toBe(4);
  });

  it.each([1, 3, 5, 4096])("counts PDF pages whose markers straddle chunks (%i bytes)", async (size) => {
    expect(await countPdfPages(chunked(makePdf(4), size), 1_000_000)).toBe(4);
  });

  it("gives up, with no count, on a file past the scan limit", async () => {
    expect(await countCsvRecords(chunked(csv, 8), csv.length - 1)).toBeNull();
    const pdf = makePdf(2);
    expect(await countPdfPages(chunked(pdf, 64), pdf.length - 1)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { FormDataParser, type FormEvent, formDataBoundary, MAX_PART_HEADER_BYTES } from "../../src/files/form-data";
import { ApiError } from "../../src/http/api-error";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** curl's style: many dashes, so a file's own `\r\n--…` runs look like the start of a delimiter. */
const BOUNDARY = "------------------------d74496d66958873e";

/** A file whose bytes contain partial delimiters (and every byte value), to trip a naive search. */
const trickyFile = () => {
  const bytes = new Uint8Array(600);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 13) & 255;
  bytes.set(encoder.encode("\r\n--"), 100);
  bytes.set(encoder.encode(`\r\n--${BOUNDARY.slice(0, -1)}`), 200);
  bytes.set(encoder.encode("\r\n\r\n--\r\n"), 400);
  return bytes;
};

const form = (file: Uint8Array, { preamble = "", epilogue = "\r\n" } = {}) => {
  const head = encoder.encode(
    `${preamble}--${BOUNDARY}\r\nContent-Disposition: form-data; name="sha256"\r\n\r\nabc123\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a \\"b\\".bin"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const tail = encoder.encode(`\r\n--${BOUNDARY}--${epilogue}`);
  const body = new Uint8Array(head.length + file.length + tail.length);
  body.set(head);
  body.set(file, head.length);
  body.set(tail, head.length + file.length);
  return body;
};

interface Parsed {
  parts: { name: string; filename?: string; contentType?: string; bytes: Uint8Array }[];
}

const parse = (chunks: Uint8Array[], boundary = BOUNDARY): Parsed => {
  const parser = new FormDataParser(boundary);
  const parts: Parsed["parts"] = [];
  const collected: number[][] = [];
  const apply = (event: FormEvent) => {
    if (event.type === "part") {
      parts.push({
        name: event.name,
        filename: event.filename,
        contentType: event.contentType,
        bytes: new Uint8Array(),
      });
      collected.push([]);
    } else if (event.type === "data") collected.at(-1)?.push(...event.bytes);
    else {
      const part = parts.at(-1);
      if (part) part.bytes = Uint8Array.from(collected.at(-1) ?? []);
    }
  };
  for (const chunk of chunks) parser.push(chunk).forEach(apply);
  parser.finish();
  return { parts };
};

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("multipart/form-data parser", () => {
  it("reads fields and a file, with a quoted filename", () => {
    const file = trickyFile();
    const { parts } = parse([form(file)]);
    expect(parts.map((part) => part.name)).toEqual(["sha256", "file"]);
    expect(decoder.decode(parts[0]?.bytes)).toBe("abc123");
    expect(parts[1]).toMatchObject({ filename: 'a "b".bin', contentType: "application/octet-stream" });
    expect(parts[1]?.bytes).toEqual(file);
  });

  it("finds every boundary whichever byte the chunks are split at", () => {
    const file = trickyFile();
    const body = form(file);
    for (let first = 1; first < body.length; first++) {
      for (const second of [first + 1, first + 2, first + 41, first + 42, first + 43, body.length]) {
        const chunks = [body.subarray(0, first), body.subarray(first, second), body.subarray(second)];
        const { parts } = parse(chunks.filter((chunk) => chunk.length > 0));
        expect(parts[1]?.bytes, `split at ${first} and ${second}`).toEqual(file);
        expect(decoder.decode(parts[0]?.bytes)).toBe("abc123");
      }
    }
  });

  it("reads a body sent one byte at a time", () => {
    const file = trickyFile();
    const body = form(file);
    const { parts } = parse([...body].map((byte) => Uint8Array.of(byte)));
    expect(parts[1]?.bytes).toEqual(file);
  });

  it("passes a part's bytes on as they arrive, holding back no more than a delimiter", () => {
    const body = form(new Uint8Array(10_000).fill(7));
    const parser = new FormDataParser(BOUNDARY);
    const fileStart = body.indexOf(7);
    const events = parser.push(body.subarray(0, fileStart + 5_000));
    const passed = events.flatMap((event) => (event.type === "data" ? [event.bytes.length] : []));
    expect(passed.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(5_000 - BOUNDARY.length - 4);
  });

  it("ignores a preamble and an epilogue, and accepts a part without headers other than its name", () => {
    const { parts } = parse([form(encoder.encode("x"), { preamble: "This is a preamble.\r\n", epilogue: "\r\nbye" })]);
    expect(decoder.decode(parts[1]?.bytes)).toBe("x");
  });

  it("decodes filename* (RFC 8187) in preference to filename", () => {
    const body = encoder.encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\r\n\r\nhi\r\n--${BOUNDARY}--`,
    );
    expect(parse([body]).parts[0]?.filename).toBe("résumé.txt");
  });

  it.each([
    ["no closing boundary", `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue`],
    ["text after a boundary", `--${BOUNDARY}oops\r\n\r\n`],
    ["a part without Content-Disposition", `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${BOUNDARY}--`],
    ["a part without a name", `--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${BOUNDARY}--`],
    ["an unterminated quote", `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a\r\n\r\nx\r\n--${BOUNDARY}--`],
    [
      "a folded header line",
      `--${BOUNDARY}\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nx\r\n--${BOUNDARY}--`,
    ],
    [
      "malformed filename*",
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename*=UTF-8''%E9\r\n\r\nx\r\n--${BOUNDARY}--`,
    ],
    ["headers past the bound", `--${BOUNDARY}\r\nX-Long: ${"a".repeat(MAX_PART_HEADER_BYTES)}`],
    ["only a preamble", "no boundary here at all"],
  ])("refuses %s with 400 malformed-request", (_why, text) => {
    const error = refusal(() => parse([encoder.encode(text)]));
    expect(error.type).toBe("malformed-request");
  });

  it("finds the boundary of a form's Content-Type, quoted or not, and nothing in other types", () => {
    expect(formDataBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(formDataBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe("a b:c");
    expect(formDataBoundary("text/plain; charset=utf-8")).toBeNull();
    expect(formDataBoundary("multipart/mixed; boundary=x")).toBeNull();
    expect(refusal(() => formDataBoundary("multipart/form-data")).type).toBe("malformed-request");
    expect(refusal(() => formDataBoundary(`multipart/form-data; boundary=${"x".repeat(71)}`)).type).toBe(
      "malformed-request",
    );
  });
});

import { ApiError } from "../http/api-error";
import { concat } from "./store";

/**
 * A streaming `multipart/form-data` parser (RFC 7578 / RFC 2046): bytes go in as they arrive, events
 * come out, and a part's body is passed on as views of the chunks it came in (never gathered whole).
 * Between chunks it keeps at most one delimiter's length of bytes, so a boundary split across chunk
 * edges is still found. Anything malformed is a 400 `malformed-request`.
 *
 * Written here rather than taken from npm: the maintained parsers that run on web streams either
 * buffer each part in memory (`@remix-run/multipart-parser`) or, in the one that streams
 * (`multipasta` 0.2.8), misread a form whose closing `--` is split across two chunks; busboy needs
 * Node streams.
 */
export type FormEvent =
  | { type: "part"; name: string; filename: string | undefined; contentType: string | undefined }
  | { type: "data"; bytes: Uint8Array }
  | { type: "end" };

/** Headers of one part, in bytes: far more than any browser sends. */
export const MAX_PART_HEADER_BYTES = 8192;
/** Parts in one form: this API's forms have a file and a few fields. */
export const MAX_FORM_PARTS = 16;

const encoder = new TextEncoder();
/** Strict UTF-8: bytes that are not UTF-8 throw rather than turning into U+FFFD. */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const DASH = 45;
const CRLF = encoder.encode("\r\n");
const HEADERS_END = encoder.encode("\r\n\r\n");

const isPadding = (byte: number) => byte === 0x20 || byte === 0x09;

const malformed = (detail: string) => new ApiError("malformed-request", `The multipart/form-data body: ${detail}`);

/** Where `needle` first occurs in `haystack` at or after `from`, or -1. */
const indexOf = (haystack: Uint8Array, needle: Uint8Array, from = 0) => {
  const first = needle[0] ?? 0;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
};

/** `value; a=b; c="d \"e\""` → the lowercased value and its parameters (names lowercased). */
export const parseHeaderParameters = (header: string) => {
  const [value = "", ...rest] = splitUnquoted(header);
  const parameters = new Map<string, string>();
  for (const part of rest) {
    const equals = part.indexOf("=");
    if (equals <= 0) throw malformed(`the header parameter "${part.trim()}" has no value.`);
    const name = part.slice(0, equals).trim().toLowerCase();
    let raw = part.slice(equals + 1).trim();
    if (raw.startsWith('"')) {
      if (raw.length < 2 || !raw.endsWith('"')) throw malformed(`the parameter ${name} has an unterminated quote.`);
      raw = raw.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    if (parameters.has(name)) throw malformed(`the parameter ${name} is given twice.`);
    parameters.set(name, raw);
  }
  return { value: value.trim().toLowerCase(), parameters };
};

/** Splits on `;` outside quoted strings. */
const splitUnquoted = (header: string) => {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const char = header[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (char === ";" && !quoted) {
      parts.push(header.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw malformed("a header has an unterminated quote.");
  parts.push(header.slice(start));
  return parts.filter((part, index) => index === 0 || part.trim() !== "");
};

/** RFC 2046's boundary characters, 1–70 of them, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary of a `multipart/form-data` Content-Type; null for any other type. */
export const formDataBoundary = (contentType: string): string | null => {
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const { parameters } = parseHeaderParameters(contentType);
  const boundary = parameters.get("boundary");
  if (boundary === undefined || !BOUNDARY.test(boundary)) {
    throw malformed("its Content-Type needs a boundary of 1–70 allowed characters.");
  }
  return boundary;
};

/** RFC 8187's `UTF-8''percent-encoded` (the form RFC 7578 allows for `filename*`). */
const extendedValue = (value: string) => {
  const match = /^utf-8'[^']*'(.*)$/i.exec(value);
  if (!match) throw malformed("filename* must be UTF-8''<percent-encoded name>.");
  try {
    return decodeURIComponent(match[1] ?? "");
  } catch {
    throw malformed("filename* is not valid percent-encoded UTF-8.");
  }
};

const parsePartHeaders = (block: Uint8Array): Extract<FormEvent, { type: "part" }> => {
  let text: string;
  try {
    text = strictUtf8.decode(block);
  } catch {
    throw malformed("a part's headers are not UTF-8.");
  }
  const headers = new Map<string, string>();
  for (const line of text === "" ? [] : text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0 || /^[ \t]/.test(line))
      throw malformed(`a part has a malformed header line "${line.slice(0, 80)}".`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (headers.has(name)) throw malformed(`a part has two ${name} headers.`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition");
  if (disposition === undefined) throw malformed("a part has no Content-Disposition.");
  const { value, parameters } = parseHeaderParameters(disposition);
  const name = parameters.get("name");
  if (value !== "form-data" || name === undefined) {
    throw malformed('each part needs Content-Disposition: form-data; name="…".');
  }
  const extended = parameters.get("filename*");
  return {
    type: "part",
    name,
    filename: extended !== undefined ? extendedValue(extended) : parameters.get("filename"),
    contentType: headers.get("content-type"),
  };
};

type State = "preamble" | "boundary-line" | "headers" | "body" | "done";

export class FormDataParser {
  /** `CRLF--boundary`: what ends a part's body (and, seeded with a CRLF, what starts the first part). */
  private readonly delimiter: Uint8Array;
  private state: State = "preamble";
  private pending: Uint8Array = CRLF;
  private parts = 0;

  constructor(boundary: string) {
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
  }

  /** The events the bytes so far complete; part bodies are views of `chunk`, valid while it is. */
  push(chunk: Uint8Array): FormEvent[] {
    this.pending = this.pending.length === 0 ? chunk : concat([this.pending, chunk]);
    const events: FormEvent[] = [];
    while (this.step(events));
    return events;
  }

  /** The body has ended: it must have ended with the closing boundary. */
  finish(): void {
    if (this.state !== "done") throw malformed("it ends before its closing boundary.");
  }

  /** Consumes what it can of `pending`; false when it needs more bytes. */
  private step(events: FormEvent[]): boolean {
    const pending = this.pending;
    switch (this.state) {
      case "preamble": {
        const at = indexOf(pending, this.delimiter);
        if (at === -1) {
          // The preamble is ignored; only a possible start of the delimiter is kept.
          this.pending = pending.subarray(Math.max(0, pending.length - this.delimiter.length + 1));
          return false;
        }
        this.pending = pending.subarray(at + this.delimiter.length);
        this.state = "boundary-line";
        return true;
      }
      case "boundary-line": {
        // After a delimiter: `--` closes the form; otherwise only transport padding, then CRLF.
        if (pending[0] === DASH && pending[1] === DASH) {
          this.state = "done";
          return true;
        }
        const end = indexOf(pending, CRLF);
        const line = end === -1 ? pending : pending.subarray(0, end);
        if (end === -1) {
          const closing = line.length === 1 && line[0] === DASH;
          const padding = line.every((byte, i) => isPadding(byte) || (byte === CRLF[0] && i === line.length - 1));
          if (line.length > 64 || !(closing || padding)) throw malformed("a boundary is followed by other text.");
          return false;
        }
        if (!line.every(isPadding)) throw malformed("a boundary is followed by other text.");
        this.pending = pending.subarray(end + CRLF.length);
        this.state = "headers";
        return true;
      }
      case "headers": {
        // A part may have no headers at all: its header block is then just the blank line.
        const empty = pending[0] === CRLF[0] && pending[1] === CRLF[1];
        const end = empty ? 0 : indexOf(pending, HEADERS_END);
        if (end === -1) {
          if (pending.length > MAX_PART_HEADER_BYTES) throw malformed("a part's headers are too long.");
          return false;
        }
        if (end > MAX_PART_HEADER_BYTES) throw malformed("a part's headers are too long.");
        if (++this.parts > MAX_FORM_PARTS) throw malformed(`it has more than ${MAX_FORM_PARTS} parts.`);
        events.push(parsePartHeaders(pending.subarray(0, end)));
        this.pending = pending.subarray(end + (empty ? CRLF.length : HEADERS_END.length));
        this.state = "body";
        return true;
      }
      case "body": {
        const at = indexOf(pending, this.delimiter);
        if (at === -1) {
          // Everything but what could be the start of a delimiter split across chunks.
          const safe = pending.length - (this.delimiter.length - 1);
          if (safe > 0) {
            events.push({ type: "data", bytes: pending.subarray(0, safe) });
            this.pending = pending.subarray(safe);
          }
          return false;
        }
        if (at > 0) events.push({ type: "data", bytes: pending.subarray(0, at) });
        events.push({ type: "end" });
        this.pending = pending.subarray(at + this.delimiter.length);
        this.state = "boundary-line";
        return true;
      }
      case "done":
        // The epilogue is ignored.
        this.pending = new Uint8Array(0);
        return false;
    }
  }
}

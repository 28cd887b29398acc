/**
 * One `Range: bytes=…` of RFC 9110 §14.1.2, resolved against a file of `size` bytes: `a-b`, `a-`
 * (to the end) and `-n` (the last n bytes). Several ranges, other units and malformed headers are
 * ignored, as the RFC allows — the whole file is sent (200) — so a client never gets a
 * multipart/byteranges body it did not expect.
 */
export type RangeRequest =
  | { kind: "whole" }
  | { kind: "part"; offset: number; length: number }
  | { kind: "unsatisfiable" };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

export const resolveRange = (header: string | undefined, size: number): RangeRequest => {
  const match = header === undefined ? null : SINGLE.exec(header.trim());
  if (!match) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    // The last `last` bytes; zero of them cannot be sent.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(suffix, size);
    return { kind: "part", offset: size - length, length };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "part", offset: start, length: end - start + 1 };
};

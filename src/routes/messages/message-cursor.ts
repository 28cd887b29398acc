import { base64url } from "jose";

/**
 * Where a page of a thread's messages continues: the range still to list (positions strictly
 * between `afterSeq` and `beforeSeq`) and the order. Opaque to clients (base64url JSON).
 */
export interface MessageRange {
  order: "asc" | "desc";
  afterSeq?: number;
  beforeSeq?: number;
}

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export const encodeMessageCursor = ({ order, afterSeq, beforeSeq }: MessageRange): string =>
  base64url.encode(JSON.stringify({ o: order, a: afterSeq, b: beforeSeq }));

export const decodeMessageCursor = (cursor: string): MessageRange | null => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(cursor)));
    if (typeof value !== "object" || value === null) return null;
    const { o, a, b } = value as Record<string, unknown>;
    if ((o !== "asc" && o !== "desc") || (a !== undefined && !isSeq(a)) || (b !== undefined && !isSeq(b))) return null;
    return { order: o, ...(a === undefined ? {} : { afterSeq: a }), ...(b === undefined ? {} : { beforeSeq: b }) };
  } catch {
    return null;
  }
};

/** The range after a page whose last message is at `lastSeq`: the same range, minus what was listed. */
export const nextRange = (range: MessageRange, lastSeq: number): MessageRange =>
  range.order === "asc" ? { ...range, afterSeq: lastSeq } : { ...range, beforeSeq: lastSeq };

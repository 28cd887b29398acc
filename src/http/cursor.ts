import { base64url } from "jose";

/**
 * Opaque keyset cursors: base64url of `[time ISO, id]` of the last row of a page. Lists are ordered
 * newest first by (time, id) — `created_at`, or `updated_at` for threads — so the next page is
 * everything strictly before it.
 */
export interface CursorPosition {
  at: Date;
  id: string;
}

export const encodeCursor = ({ at, id }: CursorPosition): string =>
  base64url.encode(JSON.stringify([at.toISOString(), id]));

export const decodeCursor = (cursor: string): CursorPosition | null => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(cursor)));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [time, id] = value;
    if (typeof time !== "string" || typeof id !== "string" || id.length === 0) return null;
    const at = new Date(time);
    return Number.isNaN(at.getTime()) ? null : { at, id };
  } catch {
    return null;
  }
};

export const isValidCursor = (cursor: string) => decodeCursor(cursor) !== null;

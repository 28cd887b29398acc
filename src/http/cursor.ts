import { base64url } from "jose";

/**
 * Opaque keyset cursors: base64url of `[createdAt ISO, id]` of the last row of a page. Lists are
 * ordered newest first by (created_at, id), so the next page is everything strictly before it.
 */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export const encodeCursor = ({ createdAt, id }: CursorPosition): string =>
  base64url.encode(JSON.stringify([createdAt.toISOString(), id]));

export const decodeCursor = (cursor: string): CursorPosition | null => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(cursor)));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [at, id] = value;
    if (typeof at !== "string" || typeof id !== "string" || id.length === 0) return null;
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
  } catch {
    return null;
  }
};

export const isValidCursor = (cursor: string) => decodeCursor(cursor) !== null;

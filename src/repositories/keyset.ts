import type { CursorPosition } from "../http/cursor";

/** Newest-first keyset order shared by every list: (created_at DESC, id DESC). */
export const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** Rows strictly after `after` in NEWEST_FIRST order (nothing to filter without a cursor). */
export const after = (position: CursorPosition | null | undefined) =>
  position
    ? {
        OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }],
      }
    : {};

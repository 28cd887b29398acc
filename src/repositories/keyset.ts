import type { CursorPosition } from "../http/cursor";

/**
 * Newest-first keyset order shared by the Prisma lists: (createdAt DESC, id DESC). (The thread list orders by
 * last activity in its own SQL: threadsRepository.listPage.)
 */
export const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** Rows strictly after `after` in newest-first order (nothing to filter without a cursor). */
export const after = (position: CursorPosition | null | undefined) =>
  position ? { OR: [{ createdAt: { lt: position.at } }, { createdAt: position.at, id: { lt: position.id } }] } : {};

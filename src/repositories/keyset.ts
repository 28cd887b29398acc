import type { CursorPosition } from "../http/cursor";

type TimeColumn = "createdAt" | "updatedAt";

/** Newest-first keyset order shared by every list: (time DESC, id DESC); the time is `createdAt` unless told. */
export const newestFirst = (column: TimeColumn = "createdAt") => [
  { [column]: "desc" as const } as Record<TimeColumn, "desc">,
  { id: "desc" as const },
];

export const NEWEST_FIRST = newestFirst();

/** Rows strictly after `after` in newest-first order (nothing to filter without a cursor). */
export const after = (position: CursorPosition | null | undefined, column: TimeColumn = "createdAt") =>
  position ? { OR: [{ [column]: { lt: position.at } }, { [column]: position.at, id: { lt: position.id } }] } : {};

import { encodeCursor } from "./cursor";
import type { PageInfo } from "./envelope";

/**
 * Repositories fetch `limit + 1` rows; the extra one only says whether another page exists.
 * `timeOf` is the time column the list is ordered by (see src/repositories/keyset.ts).
 */
export const toPage = <T extends { id: string }>(rows: T[], limit: number, timeOf: (row: T) => Date) => {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  const pagination: PageInfo = {
    limit,
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor({ at: timeOf(last), id: last.id }) : null,
  };
  return { page, pagination };
};

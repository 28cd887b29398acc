import { encodeCursor } from "./cursor";
import type { PageInfo } from "./envelope";

/** Repositories fetch `limit + 1` rows; the extra one only says whether another page exists. */
export const toPage = <T extends { createdAt: Date; id: string }>(rows: T[], limit: number) => {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  const pagination: PageInfo = { limit, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last) : null };
  return { page, pagination };
};

import { sqlDate } from "./d1";
import type { Store } from "./db";

/** How long events are kept: a client further behind than this refetches (see the events feed). */
export const EVENT_RETENTION_DAYS = 30;
const RETENTION_CHUNK = 5_000;

export const eventsRepository = ({ db, d1 }: Store) => ({
  /** The events after `afterSeq`, oldest first: one page plus one row, so the caller knows whether there is more. */
  listAfter: (threadId: string, afterSeq: number, limit: number) =>
    db.threadEvent.findMany({
      where: { threadId, seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take: limit + 1,
    }),

  /** One event (a webhook delivery's), if the log still has it. */
  find: (threadId: string, seq: number) => db.threadEvent.findFirst({ where: { threadId, seq } }),

  /** Retention: drops every event older than `before`; returns how many went. */
  deleteOlderThan: (before: Date) => deleteOlderThan(d1, "thread_events", before),
});

/**
 * Retention of a log table: drops every row older than `before`, a chunk per statement so no
 * single statement runs into D1's 30-second limit however much expired. Returns how many went.
 */
export const deleteOlderThan = async (
  d1: D1Database,
  table: "thread_events" | "user_events",
  before: Date,
): Promise<number> => {
  let deleted = 0;
  for (;;) {
    const { meta } = await d1
      .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE created_at < ? LIMIT ?)`)
      .bind(sqlDate(before), RETENTION_CHUNK)
      .run();
    deleted += meta.changes;
    if (meta.changes < RETENTION_CHUNK) return deleted;
  }
};

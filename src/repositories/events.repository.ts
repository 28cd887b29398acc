import type { Db } from "./db";

/** How long events are kept: a client further behind than this refetches (see the events feed). */
export const EVENT_RETENTION_DAYS = 30;

export const eventsRepository = (db: Db) => ({
  /** The events after `afterSeq`, oldest first: one page plus one row, so the caller knows whether there is more. */
  listAfter: (threadId: string, afterSeq: number, limit: number) =>
    db.threadEvent.findMany({
      where: { threadId, seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take: limit + 1,
    }),

  /** Retention: drops every event older than `before`. */
  deleteOlderThan: (before: Date) => db.threadEvent.deleteMany({ where: { createdAt: { lt: before } } }),
});

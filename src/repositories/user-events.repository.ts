import type { Store } from "./db";
import { deleteOlderThan } from "./events.repository";

/** A user's own stream (GET /events): copies of their threads' events, numbered per user (see copyToUsers). */
export const userEventsRepository = ({ db, d1 }: Store) => ({
  /** The events after `afterSeq`, oldest first: one page plus one row, so the caller knows whether there is more. */
  listAfter: (userId: string, afterSeq: number, limit: number) =>
    db.userEvent.findMany({ where: { userId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: limit + 1 }),

  /** The seq of the user's last event; null when the user is gone. */
  lastSeq: async (userId: string) =>
    (await db.user.findFirst({ where: { id: userId }, select: { lastEventSeq: true } }))?.lastEventSeq ?? null,

  /** Retention, as for the threads' events. */
  deleteOlderThan: (before: Date) => deleteOlderThan(d1, "user_events", before),
});

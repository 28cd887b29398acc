import { type Sql, sql, sqlDate } from "./d1";

// Conditions that writes to a thread hold on the state before the change (`t` is the thread's row).

/** Archived threads are read-only. */
export const ACTIVE_THREAD = sql("t.status = 'ACTIVE'");

/** The message exists in the change's thread, is live, and (when given) still has `updatedAt`. */
export const liveMessage = (id: string, updatedAt?: Date): Sql =>
  updatedAt
    ? sql(
        "EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.deleted_at IS NULL AND m.updated_at = ?)",
        id,
        sqlDate(updatedAt),
      )
    : sql("EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.deleted_at IS NULL)", id);

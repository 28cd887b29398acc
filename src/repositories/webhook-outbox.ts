import { type Sql, sqlDate } from "./d1";

/**
 * The webhooks' transactional outbox: one statement, in the batch that writes a thread's events, that
 * writes a delivery for each enabled subscription that takes the event — so an event exists if and only if
 * its deliveries do. `seq` picks the events (`e` is the event, `p` its thread): the pending one
 * (`p.last_seq + 1`) in a change's batch, or every one of a thread created in the batch.
 *
 * A subscription sees what its creator sees (the rule of src/auth/reach.ts, as SQL): an admin every thread,
 * another user their own; an API key, while it is neither revoked nor expired and holds `threads:read`,
 * every thread with `threads:all` or else the threads it is in — and it hears of its own removal from one.
 * Runs after the change's own statements, so a key added to a thread hears of that too.
 * Delivery ids are made here ('w' + 24 hex digits), since the number of rows is known only to SQL.
 */
export const outboxInsert = (d1: D1Database, threadId: string, seq: Sql, now: Date): D1PreparedStatement => {
  const at = sqlDate(now);
  return d1
    .prepare(
      `INSERT INTO webhook_deliveries (id, subscription_id, thread_id, seq, event_type, status, attempts,
                                       next_attempt_at, created_at, updated_at)
       SELECT 'w' || lower(hex(randomblob(12))), s.id, e.thread_id, e.seq, e.type, 'PENDING', 0, ?, ?, ?
       FROM thread_events e
       JOIN threads p ON p.id = e.thread_id
       JOIN webhook_subscriptions s ON s.enabled = 1 AND (s.thread_id IS NULL OR s.thread_id = e.thread_id)
       WHERE e.thread_id = ? AND e.seq = ${seq.sql}
         AND EXISTS (SELECT 1 FROM json_each(s.events) j WHERE j.value IN ('*', e.type))
         AND (
           EXISTS (SELECT 1 FROM users u WHERE u.id = s.created_by_user_id AND (u.role = 'ADMIN' OR u.id = p.owner_id))
           OR EXISTS (
             SELECT 1 FROM api_keys k
             WHERE k.id = s.created_by_key_id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)
               AND EXISTS (SELECT 1 FROM json_each(k.scopes) WHERE value = 'threads:read')
               AND (EXISTS (SELECT 1 FROM json_each(k.scopes) WHERE value = 'threads:all')
                    OR EXISTS (SELECT 1 FROM thread_agents a WHERE a.thread_id = p.id AND a.api_key_id = k.id)
                    OR (e.type = 'thread.agent_removed' AND e.payload ->> '$.api_key_id' = k.id))
           )
         )
       RETURNING id`,
    )
    .bind(at, at, at, threadId, ...seq.params, at);
};

/** The ids of the deliveries an outbox statement wrote, from its result. */
export const deliveryIdsOf = (result: D1Result | undefined): string[] =>
  ((result?.results ?? []) as { id: string }[]).map((row) => row.id);

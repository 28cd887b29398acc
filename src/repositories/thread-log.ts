import type { Actor } from "../auth/principal";
import { jsonWith, type Sql, sql, sqlDate } from "./d1";

/**
 * The thread event log's write side. Every change to a thread goes to D1 as one `env.DB.batch`:
 *
 *   1. the event row, `seq = last_seq + 1`, inserted only if the thread exists and the change's
 *      guard holds on the state *before* the change;
 *   2. the change's own statements, each conditional on `pending` (the event row of step 1 exists);
 *   3. the thread's bump (`last_seq + 1`, `updated_at`, counters), also conditional on `pending`.
 *
 * A batch is one transaction and D1 runs batches one at a time, so `seq` is strictly increasing and
 * gapless per thread, and an event exists if and only if its change does. A guard that fails (a
 * stale If-Match, a deleted message, an archived thread) makes every statement a no-op instead of an
 * error: the caller reads `applied` off the first result and answers 404 / 409 / 412 as it fits.
 */

/** The kinds of change; each has its payload schema in src/routes/events/events.schemas.ts. */
export type EventType =
  | "thread.created"
  | "thread.updated"
  | "message.created"
  | "message.updated"
  | "message.deleted"
  | "reaction.added"
  | "reaction.removed"
  | "memory.updated"
  | "artifact.created"
  | "artifact.updated"
  | "artifact.deleted"
  | "interaction.created";

/** The seq the change's event gets, for payload members and rows that carry it (a message's position). */
export const NEXT_SEQ = sql("t.last_seq + 1");

export interface ThreadChange {
  threadId: string;
  type: EventType;
  actor: Actor;
  /** The wire object the REST API returns for this change. */
  payload: object;
  /** Payload members computed by SQL from the state before the change (`t` is the thread's row). */
  computed?: Record<string, Sql>;
  /** Holds on the state before the change or nothing is written (`t` is the thread's row). */
  guard?: Sql;
  now: Date;
}

/** A change; its actor is null when the service makes it by itself (a streamed message timing out). */
export type AnyThreadChange = Omit<ThreadChange, "actor"> & { actor: Actor | null };

export const threadChange = (db: D1Database, change: AnyThreadChange) => {
  const guard = change.guard ?? sql("1");
  const payload = jsonWith(change.payload, change.computed);
  const event = db
    .prepare(
      `INSERT INTO thread_events (thread_id, seq, type, actor_type, actor_id, payload, created_at)
       SELECT t.id, t.last_seq + 1, ?, ?, ?, ${payload.sql}, ? FROM threads t WHERE t.id = ? AND (${guard.sql})
       RETURNING seq, payload`,
    )
    .bind(
      change.type,
      change.actor?.type ?? null,
      change.actor?.id ?? null,
      ...payload.params,
      sqlDate(change.now),
      change.threadId,
      ...guard.params,
    );
  // True from step 1 until the bump: the event row of this change was written.
  const pending = sql(
    `EXISTS (SELECT 1 FROM thread_events e JOIN threads p ON p.id = e.thread_id
             WHERE e.thread_id = ? AND e.seq = p.last_seq + 1)`,
    change.threadId,
  );
  /** Step 3, last in the batch: `sets` adds assignments (counters, memory) to the thread's row. */
  const bump = (sets?: Sql) =>
    db
      .prepare(
        `UPDATE threads SET last_seq = last_seq + 1, updated_at = ?${sets ? `, ${sets.sql}` : ""}
         WHERE id = ? AND ${pending.sql}`,
      )
      .bind(sqlDate(change.now), ...(sets?.params ?? []), change.threadId, ...pending.params);
  /** Before the bump: the owner's copy of this change's event, for their user stream. */
  const toOwner = () => copyToOwner(db, change.threadId, sql("p.last_seq + 1"));
  return { event, pending, bump, toOwner };
};

/**
 * The thread owner's copy of one of the thread's events, for their user stream (GET /events), in
 * the batch that writes the event: the owner's `last_event_seq` moves on and the event is copied
 * under it, so each user's stream is gapless and in commit order like a thread's. `seq` picks the
 * event (`p` is its thread): `p.last_seq + 1` while a change is pending, or a known seq. Nothing is
 * written when that event is not there (the change's guard failed).
 */
export const copyToOwner = (db: D1Database, threadId: string, seq: Sql): D1PreparedStatement[] => [
  db
    .prepare(
      `UPDATE users SET last_event_seq = last_event_seq + 1
       WHERE id = (SELECT p.owner_id FROM thread_events e JOIN threads p ON p.id = e.thread_id
                   WHERE e.thread_id = ? AND e.seq = ${seq.sql})`,
    )
    .bind(threadId, ...seq.params),
  db
    .prepare(
      `INSERT INTO user_events (user_id, seq, thread_id, thread_seq, type, actor_type, actor_id, payload, created_at)
       SELECT u.id, u.last_event_seq, e.thread_id, e.seq, e.type, e.actor_type, e.actor_id, e.payload, e.created_at
       FROM thread_events e JOIN threads p ON p.id = e.thread_id JOIN users u ON u.id = p.owner_id
       WHERE e.thread_id = ? AND e.seq = ${seq.sql}`,
    )
    .bind(threadId, ...seq.params),
];

/** Whether the change went through: its event row (the batch's first statement) was written. */
export const applied = (results: D1Result[]): boolean => (results[0]?.meta.changes ?? 0) === 1;

const eventRow = (results: D1Result[]) => {
  const row = results[0]?.results[0] as { seq?: number; payload?: string } | undefined;
  if (typeof row?.seq !== "number" || typeof row.payload !== "string")
    throw new Error("the event insert returned no row");
  return { seq: row.seq, payload: row.payload };
};

/** The seq of the change's event, from the batch's first statement. */
export const eventSeq = (results: D1Result[]): number => eventRow(results).seq;

/** The payload as stored (with the members SQL computed), from the batch's first statement. */
export const eventPayload = (results: D1Result[]): unknown => JSON.parse(eventRow(results).payload);

export interface NewEvent {
  seq: number;
  type: EventType;
  actor: Actor;
  payload: object;
}

/**
 * Events of a thread nobody else can know of yet (it is being created in the same batch): their
 * seqs are computed up front and they go in as one statement, whatever their number.
 */
export const insertEvents = (db: D1Database, threadId: string, events: NewEvent[], now: Date) =>
  db
    .prepare(
      `INSERT INTO thread_events (thread_id, seq, type, actor_type, actor_id, payload, created_at)
       SELECT ?, e.value ->> '$.seq', e.value ->> '$.type', e.value ->> '$.actor.type', e.value ->> '$.actor.id',
              json(e.value -> '$.payload'), ?
       FROM json_each(?) e`,
    )
    .bind(threadId, sqlDate(now), JSON.stringify(events));

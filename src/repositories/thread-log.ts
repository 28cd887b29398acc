import type { Actor } from "../principal";
import { type EventPayload, type EventType, OWNER_EVENT_TYPES } from "../wire/events";
import { jsonWith, type Sql, sql, sqlDate } from "./d1";
import { deliveryIdsOf, outboxInsert } from "./webhook-outbox";

/**
 * The thread event log's write side. Every change to a thread goes to D1 as one `env.DB.batch`:
 *
 *   1. the event row, `seq = last_seq + 1`, inserted only if the thread exists and the change's
 *      guard holds on the state *before* the change;
 *   2. the change's own statements, each conditional on `pending` (the event row of step 1 exists);
 *   3. the event's webhook deliveries, one per subscription that takes it (./webhook-outbox.ts);
 *   4. when the event catalogue says so (`toOwner`), the copies of the event to the thread owner's user stream
 *      and, for a new message, to the streams of the users it mentions;
 *   5. the thread's bump (`last_seq + 1`, `updated_at`, counters), also conditional on `pending`.
 *
 * A batch is one transaction and D1 runs batches one at a time, so `seq` is strictly increasing and
 * gapless per thread, and an event exists if and only if its change (and its deliveries) does. A guard that fails (a
 * stale If-Match, a deleted message, an archived thread) makes every statement a no-op instead of an
 * error: the write answers null and the caller answers 404 / 409 / 412 as it fits. What a write committed
 * goes to the one step that follows every commit (src/realtime/publish.ts).
 */

/** The seq the change's event gets, for payload members and rows that carry it (a message's position). */
export const NEXT_SEQ = sql("t.last_seq + 1");

export interface ThreadChange<T extends EventType = EventType> {
  threadId: string;
  type: T;
  /** Null when the service makes the change by itself (a streamed message timing out). */
  actor: Actor | null;
  /** The wire object the REST API returns for this change. */
  payload: EventPayload<T>;
  /** Payload members computed by SQL from the state before the change (`t` is the thread's row). */
  computed?: Record<string, Sql>;
  /** Holds on the state before the change or nothing is written (`t` is the thread's row). */
  guard?: Sql;
  now: Date;
}

/** A change and what it writes besides its event. */
export interface ChangeWrite {
  change: ThreadChange;
  /** The change's own statements, each conditional on `pending` (true from the event row until the bump). */
  write?: (pending: Sql) => D1PreparedStatement[];
  /** Assignments to the thread's row (counters, memory), made by the bump. */
  sets?: Sql;
}

/** What a committed change wrote: the place of its event in the log, and whose user streams got a copy. */
export interface Committed {
  threadId: string;
  seq: number;
  /** The users whose streams got a copy of the event: the thread's owner, and the users a new message mentions. */
  copiedTo: string[];
  /** The webhook deliveries written with the event(s), for the publish step to send. */
  deliveries: string[];
  /** The event's payload as stored, with the members SQL computed. */
  readonly payload: unknown;
}

const eventInsert = (d1: D1Database, change: ThreadChange) => {
  const guard = change.guard ?? sql("1");
  const payload = jsonWith(change.payload, change.computed);
  return d1
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
};

/** True from the event insert until the bump: the event row of the change being written exists. */
const pendingOf = (threadId: string) =>
  sql(
    `EXISTS (SELECT 1 FROM thread_events e JOIN threads p ON p.id = e.thread_id
             WHERE e.thread_id = ? AND e.seq = p.last_seq + 1)`,
    threadId,
  );

const bump = (d1: D1Database, change: ThreadChange, pending: Sql, sets?: Sql) =>
  d1
    .prepare(
      `UPDATE threads SET last_seq = last_seq + 1, updated_at = ?${sets ? `, ${sets.sql}` : ""}
       WHERE id = ? AND ${pending.sql}`,
    )
    .bind(sqlDate(change.now), ...(sets?.params ?? []), change.threadId, ...pending.params);

/**
 * Copies of one of the thread's events for user streams (GET /events), in the batch that writes the event: the
 * thread's owner's, and — for `message.created` — those of the users its message mentions (rows written before
 * in the batch), each flagged `mentioned` when the message mentions that user. Each such user's `last_event_seq`
 * moves on and the event is copied under it, so each user's stream is gapless and in commit order like a thread's.
 * `seq` picks the event (`p` is its thread): `p.last_seq + 1` while a change is pending, or a known seq. Nothing
 * is written when that event is not there (the change's guard failed). The first statement returns the ids of
 * the users it wrote for.
 */
export const copyToUsers = (d1: D1Database, threadId: string, seq: Sql): D1PreparedStatement[] => {
  // The event, and who gets it: every lookup by key (the owner, the message's mentions), never a scan of users.
  const recipients = `WITH ev AS (SELECT e.*, p.owner_id FROM thread_events e JOIN threads p ON p.id = e.thread_id
                                  WHERE e.thread_id = ? AND e.seq = ${seq.sql}),
         mentioned AS (SELECT mn.user_id FROM ev JOIN mentions mn ON mn.message_id = ev.payload ->> '$.id'
                       WHERE ev.type = 'message.created'),
         recipient AS (SELECT owner_id AS user_id FROM ev UNION SELECT user_id FROM mentioned)`;
  const params = [threadId, ...seq.params];
  return [
    d1
      .prepare(
        `${recipients}
         UPDATE users SET last_event_seq = last_event_seq + 1 WHERE id IN (SELECT user_id FROM recipient)
         RETURNING id`,
      )
      .bind(...params),
    d1
      .prepare(
        `${recipients}
         INSERT INTO user_events (user_id, seq, thread_id, thread_seq, type, actor_type, actor_id, payload, created_at,
                                  mentioned)
         SELECT u.id, u.last_event_seq, ev.thread_id, ev.seq, ev.type, ev.actor_type, ev.actor_id, ev.payload,
                ev.created_at, u.id IN (SELECT user_id FROM mentioned)
         FROM ev JOIN recipient r JOIN users u ON u.id = r.user_id`,
      )
      .bind(...params),
  ];
};

/** Who got a copy, from the result of copyToUsers's first statement. */
export const copiedTo = (result: D1Result | undefined): string[] =>
  ((result?.results ?? []) as { id?: string }[]).flatMap((row) => (typeof row.id === "string" ? [row.id] : []));

/**
 * Writes one or more changes in one batch, in order (a later change may guard on an earlier one's rows); for
 * each, what it committed, or null when its guard failed and nothing of it was written.
 */
export const commit = async (d1: D1Database, ...writes: ChangeWrite[]): Promise<(Committed | null)[]> => {
  const statements: D1PreparedStatement[] = [];
  const places: { threadId: string; event: number; outbox: number; copy: number | null }[] = [];
  for (const { change, write, sets } of writes) {
    const pending = pendingOf(change.threadId);
    const event = statements.push(eventInsert(d1, change)) - 1;
    statements.push(...(write?.(pending) ?? []));
    const outbox = statements.push(outboxInsert(d1, change.threadId, sql("p.last_seq + 1"), change.now)) - 1;
    const copy = OWNER_EVENT_TYPES.includes(change.type) ? statements.length : null;
    if (copy !== null) statements.push(...copyToUsers(d1, change.threadId, sql("p.last_seq + 1")));
    statements.push(bump(d1, change, pending, sets));
    places.push({ threadId: change.threadId, event, outbox, copy });
  }
  const results = await d1.batch(statements);
  return places.map(({ threadId, event, outbox, copy }) => {
    const result = results[event];
    if ((result?.meta.changes ?? 0) !== 1) return null;
    const row = result?.results[0] as { seq?: number; payload?: string } | undefined;
    if (typeof row?.seq !== "number" || typeof row.payload !== "string")
      throw new Error("the event insert returned no row");
    const stored = row.payload;
    return {
      threadId,
      seq: row.seq,
      copiedTo: copy === null ? [] : copiedTo(results[copy]),
      deliveries: deliveryIdsOf(results[outbox]),
      get payload() {
        return JSON.parse(stored) as unknown;
      },
    };
  });
};

/** Writes one change (see commit). */
export const commitOne = async (d1: D1Database, write: ChangeWrite): Promise<Committed | null> =>
  (await commit(d1, write))[0] ?? null;

export interface NewEvent<T extends EventType = EventType> {
  seq: number;
  type: T;
  actor: Actor;
  payload: EventPayload<T>;
}

/**
 * Events of a thread nobody else can know of yet (it is being created in the same batch): their
 * seqs are computed up front and they go in as one statement, whatever their number.
 */
export const insertEvents = (d1: D1Database, threadId: string, events: NewEvent[], now: Date) =>
  d1
    .prepare(
      `INSERT INTO thread_events (thread_id, seq, type, actor_type, actor_id, payload, created_at)
       SELECT ?, e.value ->> '$.seq', e.value ->> '$.type', e.value ->> '$.actor.type', e.value ->> '$.actor.id',
              json(e.value -> '$.payload'), ?
       FROM json_each(?) e`,
    )
    .bind(threadId, sqlDate(now), JSON.stringify(events));

import type { Actor } from "../auth/principal";
import { and, newId, type Sql, sql, sqlDate } from "./d1";
import { ACTIVE_THREAD, liveMessage } from "./messages.repository";
import { applied, type ThreadChange, threadChange } from "./thread-log";

/** Distinct emoji one message can carry (Slack caps them too); the wire's arrays are bounded by it. */
export const MAX_EMOJI_PER_MESSAGE = 50;
/** Reactors listed per emoji by the reactions list (the count is always exact). */
export const MAX_ACTORS_PER_EMOJI = 100;

type ReactionEvent = Omit<ThreadChange, "guard" | "computed" | "actor"> & { actor: Actor };

/** The column that holds this kind of reactor, so user and API key ids never mix. */
const reactorColumn = (actor: Actor) => (actor.type === "user" ? "user_id" : "api_key_id");

/** The emoji's count on the message once the change is made (the event payload's `count`). */
const countAfter = (messageId: string, emoji: string, delta: 1 | -1): Sql =>
  sql("(SELECT COUNT(*) FROM reactions WHERE message_id = ? AND emoji = ?) + ?", messageId, emoji, delta);

export const reactionsRepository = (d1: D1Database) => ({
  /**
   * Adds the actor's reaction with its `reaction.added` event. False when nothing was added: the
   * actor had already reacted so (idempotent), the message is gone or deleted, the thread is
   * archived, or the message already carries MAX_EMOJI_PER_MESSAGE other emoji.
   */
  add: async (event: ReactionEvent, messageId: string, emoji: string): Promise<boolean> => {
    const column = reactorColumn(event.actor);
    const change = threadChange(d1, {
      ...event,
      guard: and(
        ACTIVE_THREAD,
        liveMessage(messageId),
        sql(
          `NOT EXISTS (SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND ${column} = ?)`,
          messageId,
          emoji,
          event.actor.id,
        ),
        sql(
          `EXISTS (SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ?)
           OR (SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = ?) < ?`,
          messageId,
          emoji,
          messageId,
          MAX_EMOJI_PER_MESSAGE,
        ),
      ),
      computed: { count: countAfter(messageId, emoji, 1) },
    });
    const results = await d1.batch([
      change.event,
      d1
        .prepare(
          `INSERT INTO reactions (id, message_id, ${column}, emoji, created_at)
           SELECT ?, ?, ?, ?, ? WHERE ${change.pending.sql}`,
        )
        .bind(newId(), messageId, event.actor.id, emoji, sqlDate(event.now), ...change.pending.params),
      change.bump(),
    ]);
    return applied(results);
  },

  /** Removes the actor's reaction with its `reaction.removed` event. False when there was none. */
  remove: async (event: ReactionEvent, messageId: string, emoji: string): Promise<boolean> => {
    const column = reactorColumn(event.actor);
    const mine = sql(
      `EXISTS (SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND ${column} = ?)`,
      messageId,
      emoji,
      event.actor.id,
    );
    const change = threadChange(d1, {
      ...event,
      guard: and(ACTIVE_THREAD, liveMessage(messageId), mine),
      computed: { count: countAfter(messageId, emoji, -1) },
    });
    const results = await d1.batch([
      change.event,
      d1
        .prepare(`DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND ${column} = ? AND ${change.pending.sql}`)
        .bind(messageId, emoji, event.actor.id, ...change.pending.params),
      change.bump(),
    ]);
    return applied(results);
  },

  /** Counts per message and emoji (in the order each emoji was first used), and whether `viewer` is among them. */
  summaries: async (messageIds: string[], viewer: Actor) => {
    if (messageIds.length === 0) return [];
    const { results } = await d1
      .prepare(
        `SELECT message_id, emoji, COUNT(*) AS count, MAX(${reactorColumn(viewer)} IS ?) AS me, MIN(created_at) AS first_at
         FROM reactions WHERE message_id IN (SELECT value FROM json_each(?))
         GROUP BY message_id, emoji ORDER BY first_at, emoji`,
      )
      .bind(viewer.id, JSON.stringify(messageIds))
      .all<{ message_id: string; emoji: string; count: number; me: number }>();
    return results;
  },

  /** Who reacted to a message with what: the first MAX_ACTORS_PER_EMOJI per emoji, oldest first. */
  reactorsOf: async (messageId: string): Promise<{ emoji: string; actor: Actor }[]> => {
    const { results } = await d1
      .prepare(
        `SELECT emoji, user_id, api_key_id FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY emoji ORDER BY created_at, id) AS position
           FROM reactions WHERE message_id = ?
         ) WHERE position <= ? ORDER BY created_at, id`,
      )
      .bind(messageId, MAX_ACTORS_PER_EMOJI)
      .all<{ emoji: string; user_id: string | null; api_key_id: string }>();
    // Exactly one of the two columns is set (see the Reaction model).
    return results.map(({ emoji, user_id, api_key_id }) => ({
      emoji,
      actor: user_id ? { type: "user", id: user_id } : { type: "api_key", id: api_key_id },
    }));
  },

  /** Whether the actor has reacted with the emoji. */
  hasReacted: async (messageId: string, emoji: string, actor: Actor) =>
    (await d1
      .prepare(`SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND ${reactorColumn(actor)} = ?`)
      .bind(messageId, emoji, actor.id)
      .first()) !== null,
});

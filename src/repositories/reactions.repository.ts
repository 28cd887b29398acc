import type { Actor } from "../principal";
import { MAX_ACTORS_PER_EMOJI, MAX_EMOJI_PER_MESSAGE } from "../wire/reactions";
import { and, newId, type Sql, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { ACTIVE_THREAD, liveMessage } from "./guards";
import { type Committed, commitOne, type ThreadChange } from "./thread-log";

type ReactionEvent<T extends "reaction.added" | "reaction.removed"> = Omit<
  ThreadChange<T>,
  "guard" | "computed" | "actor"
> & { actor: Actor };

/** The column that holds this kind of reactor, so user and API key ids never mix. */
const reactorColumn = (actor: Actor) => (actor.type === "user" ? "user_id" : "api_key_id");

/** The emoji's count on the message once the change is made (the event payload's `count`). */
const countAfter = (messageId: string, emoji: string, delta: 1 | -1): Sql =>
  sql("(SELECT COUNT(*) FROM reactions WHERE message_id = ? AND emoji = ?) + ?", messageId, emoji, delta);

export const reactionsRepository = ({ d1 }: Store) => ({
  /**
   * Adds the actor's reaction with its `reaction.added` event. False when nothing was added: the
   * actor had already reacted so (idempotent), the message is gone or deleted, the thread is
   * archived, or the message already carries MAX_EMOJI_PER_MESSAGE other emoji (null then).
   */
  add: (event: ReactionEvent<"reaction.added">, messageId: string, emoji: string): Promise<Committed | null> => {
    const column = reactorColumn(event.actor);
    const change = {
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
    };
    return commitOne(d1, {
      change,
      write: (pending) => [
        d1
          .prepare(
            `INSERT INTO reactions (id, message_id, ${column}, emoji, created_at)
             SELECT ?, ?, ?, ?, ? WHERE ${pending.sql}`,
          )
          .bind(newId(), messageId, event.actor.id, emoji, sqlDate(event.now), ...pending.params),
      ],
    });
  },

  /** Removes the actor's reaction with its `reaction.removed` event. Null when there was none. */
  remove: (event: ReactionEvent<"reaction.removed">, messageId: string, emoji: string): Promise<Committed | null> => {
    const column = reactorColumn(event.actor);
    const mine = sql(
      `EXISTS (SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND ${column} = ?)`,
      messageId,
      emoji,
      event.actor.id,
    );
    return commitOne(d1, {
      change: {
        ...event,
        guard: and(ACTIVE_THREAD, liveMessage(messageId), mine),
        computed: { count: countAfter(messageId, emoji, -1) },
      },
      write: (pending) => [
        d1
          .prepare(`DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND ${column} = ? AND ${pending.sql}`)
          .bind(messageId, emoji, event.actor.id, ...pending.params),
      ],
    });
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

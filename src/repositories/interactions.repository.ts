import type { Actor } from "../auth/principal";
import type { InteractionKind, Prisma } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import { and, sql, sqlDate } from "./d1";
import type { Db } from "./db";
import { after, NEWEST_FIRST } from "./keyset";
import { ACTIVE_THREAD, liveMessage } from "./messages.repository";
import { applied, type ThreadChange, threadChange } from "./thread-log";

export interface NewInteraction {
  id: string;
  threadId: string;
  messageId: string;
  kind: InteractionKind;
  actor: Actor;
  /** The wire object, stored as it is answered and logged. */
  payload: Prisma.JsonObject;
}

type Event = Omit<ThreadChange, "guard" | "computed" | "type">;

export const interactionsRepository = (db: Db, d1: D1Database) => ({
  /**
   * Records an interaction with its `interaction.created` event, if the message is still live and
   * unchanged since it was checked (`messageUpdatedAt`). With `newBlocks` (a one-time block used),
   * the same batch also changes the message's blocks and logs `message.updated` — only if the
   * interaction went in. False when the guard failed.
   */
  record: async (
    event: Event,
    interaction: NewInteraction,
    messageUpdatedAt: Date,
    messageChange?: { blocks: Prisma.JsonArray; payload: object },
  ): Promise<boolean> => {
    const recorded = threadChange(d1, {
      ...event,
      type: "interaction.created",
      guard: and(ACTIVE_THREAD, liveMessage(interaction.messageId, messageUpdatedAt)),
    });
    const now = sqlDate(event.now);
    const statements = [
      recorded.event,
      d1
        .prepare(
          `INSERT INTO interactions (id, thread_id, message_id, kind, user_id, api_key_id, payload, created_at)
           SELECT ?, ?, ?, ?, ?, ?, json(?), ? WHERE ${recorded.pending.sql}`,
        )
        .bind(
          interaction.id,
          interaction.threadId,
          interaction.messageId,
          interaction.kind,
          interaction.actor.type === "user" ? interaction.actor.id : null,
          interaction.actor.type === "api_key" ? interaction.actor.id : null,
          JSON.stringify(interaction.payload),
          now,
          ...recorded.pending.params,
        ),
      recorded.bump(),
    ];
    if (messageChange) {
      const changed = threadChange(d1, {
        ...event,
        type: "message.updated",
        payload: messageChange.payload,
        guard: and(
          sql("EXISTS (SELECT 1 FROM interactions WHERE id = ?)", interaction.id),
          liveMessage(interaction.messageId, messageUpdatedAt),
        ),
        computed: { reply_count: sql("SELECT reply_count FROM messages WHERE id = ?", interaction.messageId) },
      });
      statements.push(
        changed.event,
        d1
          .prepare(`UPDATE messages SET blocks = json(?), updated_at = ? WHERE id = ? AND ${changed.pending.sql}`)
          .bind(JSON.stringify(messageChange.blocks), now, interaction.messageId, ...changed.pending.params),
        changed.bump(),
      );
    }
    return applied(await d1.batch(statements));
  },

  /** The action taken on this block of the message (as answered: its wire object), if any. */
  actionOn: async (messageId: string, blockId: string): Promise<unknown | null> => {
    const row = await d1
      .prepare("SELECT payload FROM interactions WHERE message_id = ? AND payload ->> '$.action.block_id' = ? LIMIT 1")
      .bind(messageId, blockId)
      .first<{ payload: string }>();
    return row ? JSON.parse(row.payload) : null;
  },

  /** Newest first; one page plus one row. */
  listPage: (options: { threadId: string; messageId?: string; limit: number; after?: CursorPosition | null }) =>
    db.interaction.findMany({
      where: { threadId: options.threadId, messageId: options.messageId, ...after(options.after) },
      orderBy: NEWEST_FIRST,
      take: options.limit + 1,
    }),
});

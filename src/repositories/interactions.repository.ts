import type { InteractionKind, Prisma } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Actor } from "../principal";
import type { EventPayload } from "../wire/events";
import { and, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { ACTIVE_THREAD, liveMessage } from "./guards";
import { after, NEWEST_FIRST } from "./keyset";
import { type ChangeWrite, type Committed, commit, commitOne, type ThreadChange } from "./thread-log";

export interface NewInteraction {
  id: string;
  threadId: string;
  messageId: string;
  kind: InteractionKind;
  actor: Actor;
  /** The wire object, stored as it is answered and logged. */
  payload: Prisma.JsonObject;
}

export const interactionsRepository = ({ db, d1 }: Store) => ({
  /**
   * Records an interaction with its `interaction.created` event, if the message is still live and
   * unchanged since it was checked (`messageUpdatedAt`). With `messageChange` (a one-time block used),
   * the same batch also changes the message's blocks and logs `message.updated` — only if the
   * interaction went in. What each event committed; the first null when the guard failed.
   */
  record: async (
    event: Omit<ThreadChange<"interaction.created">, "guard" | "computed" | "type">,
    interaction: NewInteraction,
    messageUpdatedAt: Date,
    messageChange?: { blocks: Prisma.JsonArray; payload: EventPayload<"message.updated"> },
  ): Promise<{ recorded: Committed | null; updated: Committed | null }> => {
    const now = sqlDate(event.now);
    const recorded: ChangeWrite = {
      change: {
        ...event,
        type: "interaction.created",
        guard: and(ACTIVE_THREAD, liveMessage(interaction.messageId, messageUpdatedAt)),
      },
      write: (pending) => [
        d1
          .prepare(
            `INSERT INTO interactions (id, thread_id, message_id, kind, user_id, api_key_id, payload, created_at)
             SELECT ?, ?, ?, ?, ?, ?, json(?), ? WHERE ${pending.sql}`,
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
            ...pending.params,
          ),
      ],
    };
    if (!messageChange) return { recorded: await commitOne(d1, recorded), updated: null };
    const [committed = null, updated = null] = await commit(d1, recorded, {
      change: {
        ...event,
        type: "message.updated",
        payload: messageChange.payload,
        guard: and(
          sql("EXISTS (SELECT 1 FROM interactions WHERE id = ?)", interaction.id),
          liveMessage(interaction.messageId, messageUpdatedAt),
        ),
        computed: { reply_count: sql("SELECT reply_count FROM messages WHERE id = ?", interaction.messageId) },
      },
      write: (pending) => [
        d1
          .prepare(`UPDATE messages SET blocks = json(?), updated_at = ? WHERE id = ? AND ${pending.sql}`)
          .bind(JSON.stringify(messageChange.blocks), now, interaction.messageId, ...pending.params),
      ],
    });
    return { recorded: committed, updated };
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

import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import type { Actor } from "../../principal";
import { repositories } from "../../repositories";
import { type MessageRow, type MessageWire, messageToWire } from "../../wire/messages";
import type { ReactionSummary } from "../../wire/reactions";

// Messages as a caller sees them: with the reactions they depend on (counts, and whether the caller reacted).

export const messageNotFound = (threadId: string, id: string) =>
  new ApiError("not-found", `No message with id ${id} in thread ${threadId}.`);

/** Messages as `viewer` sees them: with reaction counts and whether they reacted (one query per page). */
export const withReactions = async (c: Context<AppEnv>, rows: MessageRow[], viewer: Actor): Promise<MessageWire[]> => {
  const summaries = await repositories(c).reactions.summaries(
    rows.map((row) => row.id),
    viewer,
  );
  const byMessage = new Map<string, ReactionSummary[]>();
  for (const { message_id, emoji, count, me } of summaries) {
    byMessage.set(message_id, [...(byMessage.get(message_id) ?? []), { emoji, count, me: me === 1 }]);
  }
  return rows.map((row) => messageToWire(row, byMessage.get(row.id) ?? []));
};

/** One message of the thread as `viewer` sees it, or 404. */
export const visibleMessage = async (c: Context<AppEnv>, threadId: string, id: string, viewer: Actor) => {
  const row = await repositories(c).messages.findInThread(threadId, id);
  if (!row) throw messageNotFound(threadId, id);
  const [wire] = await withReactions(c, [row], viewer);
  if (!wire) throw messageNotFound(threadId, id);
  return { row, wire };
};

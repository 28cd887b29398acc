import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { type Actor, actorOf } from "../../auth/principal";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { MAX_EMOJI_PER_MESSAGE, reactionsRepository } from "../../repositories/reactions.repository";
import { messagesOf } from "../messages/authoring";
import { messageNotFound } from "../messages/messages.handlers";
import { assertThreadStillWritable, reachableThread, threadArchived } from "../threads/thread-access";
import type { addReaction, listReactions, removeReaction } from "./reactions.routes";
import { normalizeEmoji } from "./reactions.schemas";

const existingMessage = async (c: Parameters<typeof messagesOf>[0], threadId: string, id: string) => {
  const message = await messagesOf(c).findInThread(threadId, id);
  if (!message) throw messageNotFound(threadId, id);
  return message;
};

export const listReactionsHandler: RouteHandler<typeof listReactions, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  await reachableThread(c, id);
  await existingMessage(c, id, message_id);
  const reactions = reactionsRepository(c.env.DB);
  const [summaries, reactors] = await Promise.all([
    reactions.summaries([message_id], actorOf(principalOf(c))),
    reactions.reactorsOf(message_id),
  ]);
  const actorsByEmoji = new Map<string, Actor[]>();
  for (const { emoji, actor } of reactors) actorsByEmoji.set(emoji, [...(actorsByEmoji.get(emoji) ?? []), actor]);
  const groups = summaries.map(({ emoji, count, me }) => ({
    emoji,
    count,
    me: me === 1,
    actors: actorsByEmoji.get(emoji) ?? [],
  }));
  return ok(c, groups, Status.OK);
};

export const addReactionHandler: RouteHandler<typeof addReaction, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const emoji = normalizeEmoji(c.req.valid("param").emoji);
  const actor = actorOf(principalOf(c));
  const thread = await reachableThread(c, id);
  if (thread.status === "ARCHIVED") throw threadArchived(id);
  const message = await existingMessage(c, id, message_id);
  if (message.deletedAt) throw new ApiError("conflict", "Deleted messages take no reactions.");

  const reactions = reactionsRepository(c.env.DB);
  const now = new Date();
  const added = await reactions.add(
    { threadId: id, type: "reaction.added", actor, payload: { message_id, emoji, actor, count: 0 }, now },
    message_id,
    emoji,
  );
  // Not added and not there: something else refused it.
  if (!added && !(await reactions.hasReacted(message_id, emoji, actor))) {
    await assertThreadStillWritable(c, id);
    if ((await existingMessage(c, id, message_id)).deletedAt) {
      throw new ApiError("conflict", "The message was deleted meanwhile.");
    }
    throw new ApiError("conflict", `A message carries at most ${MAX_EMOJI_PER_MESSAGE} different emoji.`);
  }
  const summary = (await reactions.summaries([message_id], actor)).find((row) => row.emoji === emoji);
  return ok(c, { emoji, count: summary?.count ?? 1, me: true }, Status.OK);
};

export const removeReactionHandler: RouteHandler<typeof removeReaction, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const emoji = normalizeEmoji(c.req.valid("param").emoji);
  const actor = actorOf(principalOf(c));
  const thread = await reachableThread(c, id);
  if (thread.status === "ARCHIVED") throw threadArchived(id);
  await existingMessage(c, id, message_id);

  const reactions = reactionsRepository(c.env.DB);
  const removed = await reactions.remove(
    { threadId: id, type: "reaction.removed", actor, payload: { message_id, emoji, actor, count: 0 }, now: new Date() },
    message_id,
    emoji,
  );
  // Not removed but still there: the thread was archived or went away meanwhile.
  if (!removed && (await reactions.hasReacted(message_id, emoji, actor))) await assertThreadStillWritable(c, id);
  return c.body(null, Status.NO_CONTENT);
};

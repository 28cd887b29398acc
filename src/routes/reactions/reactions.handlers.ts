import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { assertThreadStillWritable, reachableThread, threadArchived } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { type Actor, actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { repositories } from "../../repositories";
import { MAX_EMOJI_PER_MESSAGE } from "../../wire/reactions";
import { messageNotFound } from "../messages/message-views";
import type { addReaction, listReactions, removeReaction } from "./reactions.routes";
import { normalizeEmoji } from "./reactions.schemas";

const existingMessage = async (c: Context<AppEnv>, threadId: string, id: string) => {
  const message = await repositories(c).messages.findInThread(threadId, id);
  if (!message) throw messageNotFound(threadId, id);
  return message;
};

export const listReactionsHandler: RouteHandler<typeof listReactions, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  await reachableThread(c, id);
  await existingMessage(c, id, message_id);
  const reactions = repositories(c).reactions;
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

  const reactions = repositories(c).reactions;
  const now = new Date();
  const added = await reactions.add(
    { threadId: id, type: "reaction.added", actor, payload: { message_id, emoji, actor, count: 0 }, now },
    message_id,
    emoji,
  );
  await publish(c, added);
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

  const reactions = repositories(c).reactions;
  const removed = await reactions.remove(
    { threadId: id, type: "reaction.removed", actor, payload: { message_id, emoji, actor, count: 0 }, now: new Date() },
    message_id,
    emoji,
  );
  await publish(c, removed);
  // Not removed but still there: the thread was archived or went away meanwhile.
  if (!removed && (await reactions.hasReacted(message_id, emoji, actor))) await assertThreadStillWritable(c, id);
  return c.body(null, Status.NO_CONTENT);
};

import { isDeepStrictEqual } from "node:util";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { checkedMentions } from "../../auth/mentions";
import { assertCanEdit, assertCanStop } from "../../auth/message-authoring";
import { assertThreadStillWritable, reachableThread, threadArchived, writableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import type { IncompleteReason } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { etagOfRepresentation } from "../../http/etag";
import { Status } from "../../http/status";
import { type Actor, actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { streamConfig } from "../../realtime/stream-config";
import { publishStreamed } from "../../realtime/streamed";
import { repositories } from "../../repositories";
import { mentionsIn } from "../../schemas/blocks/mentions";
import { MESSAGE_LIMITS, type MessageRow, mentionedIn, messageSnapshot } from "../../wire/messages";
import { messageNotFound, visibleMessage } from "./message-views";
import type { appendMessageDelta, completeMessage, stopMessage } from "./streaming.routes";

/** Why a message takes no more text: stopped (its own problem type, so an agent stops generating), or otherwise over. */
const notStreaming = (
  c: { env: AppEnv["Bindings"] },
  id: string,
  state: "deleted" | MessageRow["state"],
  reason?: IncompleteReason | null,
) => {
  if (state === "INCOMPLETE" && reason === "STOPPED") {
    return new ApiError(
      "message-stopped",
      `Message ${id} was stopped (INCOMPLETE: STOPPED); it keeps the text that arrived — stop generating.`,
    );
  }
  const why = {
    deleted: "was deleted",
    COMPLETE: "is complete",
    INCOMPLETE: `timed out (INCOMPLETE: no delta for ${streamConfig(c.env).messageIdleSeconds} seconds); edit it with PATCH to change its text`,
    STREAMING: "is streaming",
  }[state];
  return new ApiError("message-not-streaming", `Message ${id} ${why}.`);
};

const invalidText = (message: string, code: string) =>
  new ApiError("validation-error", "1 field is not valid.", { errors: [{ path: "body.text", message, code }] });

export const appendMessageDeltaHandler: RouteHandler<typeof appendMessageDelta, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const { offset, text } = c.req.valid("json");
  await reachableThread(c, id);
  const result = await repositories(c).streamedMessages.appendText(
    id,
    message_id,
    { author: actorOf(principalOf(c)), offset, text, maxLength: MESSAGE_LIMITS.maxTextLength },
    new Date(),
  );
  if (result.applied) {
    if (result.seq !== undefined) {
      await publishStreamed(c, id, result.seq, { thread_id: id, message_id, offset, text });
    }
    return ok(c, { message_id, length: result.length }, Status.OK);
  }
  switch (result.reason) {
    case "gone":
      throw messageNotFound(id, message_id);
    case "not_author":
      throw new ApiError("forbidden", "Only the author of a streamed message appends to it.");
    case "deleted":
      throw notStreaming(c, message_id, "deleted");
    case "not_streaming":
      throw notStreaming(c, message_id, result.state ?? "COMPLETE", result.incompleteReason);
    case "archived":
      throw threadArchived(id);
    case "too_long":
      throw invalidText(
        `The message would be longer than ${MESSAGE_LIMITS.maxTextLength.toLocaleString("en")} characters`,
        "too_long",
      );
    case "mismatch":
      throw new ApiError(
        "stream-offset-mismatch",
        `The message's text is ${result.length} characters long (UTF-16 code units): send the delta at offset ${result.length}.`,
      );
  }
};

export const completeMessageHandler: RouteHandler<typeof completeMessage, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const body = c.req.valid("json");
  const principal = principalOf(c);
  const actor = actorOf(principal);
  const thread = await writableThread(c, id);
  const messages = repositories(c).messages;
  const current = await messages.findInThread(id, message_id);
  if (!current) throw messageNotFound(id, message_id);
  assertCanEdit(principal, current);
  if (alreadyCompletedAs(current, body)) return answer(c, id, message_id, actor);
  if (current.deletedAt) throw notStreaming(c, message_id, "deleted");
  if (current.state !== "STREAMING") throw notStreaming(c, message_id, current.state, current.incompleteReason);
  // Deltas only add text: what is not blank now stays so.
  if (body.text === undefined && current.text.trim().length === 0) {
    throw invalidText("Nothing was streamed: send the message's text", "blank");
  }
  const text = body.text ?? current.text;
  const blocks = body.blocks ?? current.blocks;
  // The final content's mentions, as a post's (a streamed reply's deltas are not checked one by one).
  const mentions = {
    now: await checkedMentions(c, thread, mentionsIn({ text, blocks: Array.isArray(blocks) ? blocks : [] })),
    before: mentionedIn(current),
  };
  const now = new Date();
  const completed: MessageRow = {
    ...current,
    state: "COMPLETE",
    streamedLength: 0,
    text,
    blocks,
    metadata: body.metadata ?? current.metadata,
    mentions: mentions.now,
    updatedAt: now,
  };
  const ended = await repositories(c).streamedMessages.endStream(
    { threadId: id, type: "message.updated", actor, payload: messageSnapshot(completed), now },
    message_id,
    { state: "COMPLETE", text: body.text, blocks: body.blocks, metadata: body.metadata, mentions },
  );
  await publish(c, ended);
  if (!ended) {
    await assertThreadStillWritable(c, id);
    const again = await messages.findInThread(id, message_id);
    if (!again) throw messageNotFound(id, message_id);
    if (alreadyCompletedAs(again, body)) return answer(c, id, message_id, actor);
    throw notStreaming(c, message_id, again.deletedAt ? "deleted" : again.state, again.incompleteReason);
  }
  return answer(c, id, message_id, actor);
};

/**
 * A user's "stop generating": the STREAMING message ends INCOMPLETE (STOPPED) with the text that arrived,
 * logged as `message.updated` — which its author sees live and by webhook — and its next delta is a 409
 * `message-stopped`. Stopping a stopped message answers it again (a retry).
 */
export const stopMessageHandler: RouteHandler<typeof stopMessage, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const principal = principalOf(c);
  const actor = actorOf(principal);
  const thread = await writableThread(c, id);
  const messages = repositories(c).messages;
  const current = await messages.findInThread(id, message_id);
  if (!current) throw messageNotFound(id, message_id);
  assertCanStop(principal, current, thread.ownerId);
  if (stopped(current)) return answer(c, id, message_id, actor);
  if (current.deletedAt) throw notStreaming(c, message_id, "deleted");
  if (current.state !== "STREAMING") throw notStreaming(c, message_id, current.state, current.incompleteReason);
  const now = new Date();
  const payload = messageSnapshot({
    ...current,
    state: "INCOMPLETE",
    incompleteReason: "STOPPED",
    streamedLength: 0,
    updatedAt: now,
  });
  const ended = await repositories(c).streamedMessages.endStream(
    { threadId: id, type: "message.updated", actor, payload, now },
    message_id,
    { state: "INCOMPLETE", reason: "STOPPED" },
  );
  await publish(c, ended);
  if (!ended) {
    await assertThreadStillWritable(c, id);
    const again = await messages.findInThread(id, message_id);
    if (!again) throw messageNotFound(id, message_id);
    if (stopped(again)) return answer(c, id, message_id, actor);
    throw notStreaming(c, message_id, again.deletedAt ? "deleted" : again.state, again.incompleteReason);
  }
  return answer(c, id, message_id, actor);
};

const stopped = (message: MessageRow) =>
  message.state === "INCOMPLETE" && message.incompleteReason === "STOPPED" && message.deletedAt === null;

/**
 * Completing a message that is already complete as asked (the retry of a completion whose answer
 * was lost) answers the message again, as deleting a deleted message does: a retry never fails
 * for having worked the first time. A different final text, blocks or metadata is a 409.
 */
const alreadyCompletedAs = (message: MessageRow, body: { text?: string; blocks?: unknown; metadata?: unknown }) =>
  message.state === "COMPLETE" &&
  message.deletedAt === null &&
  (body.text === undefined || body.text === message.text) &&
  (body.blocks === undefined || isDeepStrictEqual(body.blocks, message.blocks)) &&
  (body.metadata === undefined || isDeepStrictEqual(body.metadata, message.metadata));

const answer = async (c: Context<AppEnv>, threadId: string, messageId: string, viewer: Actor) => {
  const { wire } = await visibleMessage(c, threadId, messageId, viewer);
  c.header("ETag", await etagOfRepresentation(wire));
  return ok(c, wire, Status.OK);
};

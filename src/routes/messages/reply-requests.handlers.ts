import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { assertThreadStillWritable, writableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { repositories } from "../../repositories";
import type { ReplyRequest } from "../../wire/reply-requests";
import { messageNotFound } from "./message-views";
import type { regenerateReply } from "./reply-requests.routes";

const deletedMessage = (id: string) => new ApiError("conflict", `Message ${id} was deleted: it takes no new reply.`);

export const regenerateReplyHandler: RouteHandler<typeof regenerateReply, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const actor = actorOf(principalOf(c));
  await writableThread(c, id);
  const messages = repositories(c).messages;
  const message = await messages.findInThread(id, message_id);
  if (!message) throw messageNotFound(id, message_id);
  if (message.deletedAt) throw deletedMessage(message_id);
  const now = new Date();
  const payload: ReplyRequest = {
    thread_id: id,
    message_id,
    // Both read in the write itself.
    previous_reply_id: null,
    requested_by: actor,
    seq: 0,
    requested_at: now.toISOString(),
  };
  const requested = await messages.requestReply(
    { threadId: id, type: "message.reply_requested", actor, payload, now },
    message,
  );
  await publish(c, requested);
  if (!requested) {
    await assertThreadStillWritable(c, id);
    throw deletedMessage(message_id);
  }
  return ok(c, requested.payload as ReplyRequest, Status.ACCEPTED);
};

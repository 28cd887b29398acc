import { createRoute } from "@hono/zod-openapi";
import { guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  commonErrors,
  idempotencyErrors,
  notFound,
  rateLimited,
  threadConflict,
} from "../../openapi/error-responses";
import { writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { IdempotencyHeaders } from "../../schemas/common";
import { MessageParams, ReplyRequestResponse } from "./messages.schemas";

export const regenerateReply = createRoute({
  operationId: "regenerateReply",
  method: "post",
  path: "/threads/{id}/messages/{message_id}/regenerate",
  ...guarded(
    { roles: ["ADMIN", "USER"], scope: "messages:write", ownership: "self", memberKeys: "thread" },
    rateLimit(writeRateLimit),
    idempotency(),
  ),
  tags: ["Messages"],
  summary: "Ask for a new reply to a message",
  description:
    'A chat\'s "regenerate": logs `message.reply_requested` for the message (usually a user\'s), naming the reply it would replace (`previous_reply_id`, the newest live ASSISTANT message after it at its level, or null). Agents see the event on their live stream and webhooks and answer with a new message; the previous reply stays in the thread, and nothing else changes. The new reply is the first ASSISTANT message after the request\'s `seq`. Anyone who may post in the thread may ask; a deleted message, or an archived thread, answers 409. `POST /chat` with `trigger: "regenerate-message"` calls this and streams the new reply.',
  request: { params: MessageParams, headers: IdempotencyHeaders },
  responses: {
    [Status.ACCEPTED]: {
      ...jsonResponse(ReplyRequestResponse, "The request is logged; the agents answer it."),
      headers: writeHeaders,
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...idempotencyErrors,
    ...threadConflict,
    ...rateLimited,
  },
});

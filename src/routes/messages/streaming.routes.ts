import { createRoute } from "@hono/zod-openapi";
import { guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { deltaRateLimit, rateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  idempotencyErrors,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
  streamConflict,
} from "../../openapi/error-responses";
import { etagHeader, writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdempotencyHeaders } from "../../schemas/common";
import {
  CompleteMessageBody,
  MessageDeltaBody,
  MessageParams,
  MessageResponse,
  StreamPositionResponse,
} from "./messages.schemas";

const tags = ["Messages"];
const write = { roles: ["ADMIN", "USER"], scope: "messages:write", ownership: "self", memberKeys: "thread" } as const;

export const appendMessageDelta = createRoute({
  operationId: "appendMessageDelta",
  ...mcpTool,
  method: "post",
  path: "/threads/{id}/messages/{message_id}/deltas",
  ...guarded(write, rateLimit(deltaRateLimit)),
  tags,
  summary: "Append to a streamed message",
  description:
    "Appends `text` to a STREAMING message you started (`streaming: true` when posting it; like Slack's `chat.appendStream`). `offset` must be the length of its text so far (UTF-16 code units, JavaScript's `length`): a retried delta that is already stored answers 200 again and is applied once; any other offset answers 409 `stream-offset-mismatch` with the length to continue from. Each delta is stored at once (GET returns the text so far) and sent live as a `message.delta` frame; it is not an event of the log. Deltas have their own rate limit (1,200 a minute). A message with no delta for `MESSAGE_STREAM_IDLE_SECONDS` (300) becomes INCOMPLETE.",
  request: {
    params: MessageParams,
    body: { required: true, content: { "application/json": { schema: MessageDeltaBody } } },
  },
  responses: {
    [Status.OK]: {
      ...jsonResponse(StreamPositionResponse, "The delta is stored (now, or by an earlier try)."),
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...streamConflict,
    ...rateLimited,
  },
});

export const completeMessage = createRoute({
  operationId: "completeMessage",
  ...mcpTool,
  method: "post",
  path: "/threads/{id}/messages/{message_id}/complete",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Complete a streamed message",
  description:
    "Finishes a STREAMING message you started (Slack's `chat.stopStream`): it becomes COMPLETE with the streamed text — or `text` instead, when given — and optional final `blocks` and `metadata`, logged as `message.updated`. Completing a message that is already complete as you ask (a retry whose answer was lost) answers it again; one that is not streaming otherwise (completed differently, timed out into INCOMPLETE, or deleted) answers 409 `message-not-streaming` — edit an INCOMPLETE one with PATCH. An `Idempotency-Key` replays the first answer.",
  request: {
    params: MessageParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CompleteMessageBody } } },
  },
  responses: {
    [Status.OK]: {
      ...jsonResponse(MessageResponse, "The completed message."),
      headers: { ETag: etagHeader("message as you see it (with its reactions)"), ...writeHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...idempotencyErrors,
    ...streamConflict,
    ...rateLimited,
  },
});

export const stopMessage = createRoute({
  operationId: "stopMessage",
  method: "post",
  path: "/threads/{id}/messages/{message_id}/stop",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Stop a streamed message",
  description:
    "A user's \"stop generating\": the STREAMING message ends at once as INCOMPLETE with `incomplete_reason` STOPPED, keeping the text that arrived, logged as `message.updated` — its author sees that on its live stream and webhooks, and its next delta or completion answers 409 `message-stopped`. The thread's owner, an admin or the message's author may stop it; another API key gets 403. Stopping a message already stopped answers it again (a retry); one that is not streaming otherwise (completed, timed out, deleted) answers 409 `message-not-streaming`. Closing a live stream or a chat connection never stops a message: only this operation does.",
  request: { params: MessageParams, headers: IdempotencyHeaders },
  responses: {
    [Status.OK]: {
      ...jsonResponse(MessageResponse, "The stopped message: INCOMPLETE, `incomplete_reason` STOPPED."),
      headers: { ETag: etagHeader("message as you see it (with its reactions)"), ...writeHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...idempotencyErrors,
    ...streamConflict,
    ...rateLimited,
  },
});

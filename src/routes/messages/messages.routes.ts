import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  idempotencyErrors,
  notFound,
  preconditionFailed,
  rateLimited,
  rateLimitPolicyHeader,
  threadConflict,
} from "../../openapi/error-responses";
import { etagHeader, IfNoneMatchHeaders, locationHeader, UpdateHeaders, writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdempotencyHeaders, IdParams } from "../../schemas/common";
import {
  CreateMessageBody,
  ListMessagesQuery,
  MessagePage,
  MessageParams,
  MessageResponse,
  UpdateMessageBody,
} from "./messages.schemas";

const tags = ["Messages"];
const ETag = etagHeader("message as you see it (with its reactions)");
const read = { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" } as const;
const write = { roles: ["ADMIN", "USER"], scope: "messages:write", ownership: "self", memberKeys: "thread" } as const;

export const createMessage = createRoute({
  operationId: "createMessage",
  ...mcpTool,
  method: "post",
  path: "/threads/{id}/messages",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Post a message",
  description:
    "Posts a message to the thread: `text` (always, the plain fallback), optional Block Kit `blocks`, `metadata`, attached `file_ids` and `parent_id` for a reply. The message, its attachments, the reply count of its parent, the thread's counters and its `message.created` event are one atomic write. Its `seq` places it in the thread in the order messages were stored. Who wrote it comes from your credentials: users post USER messages, API keys (`messages:write`) ASSISTANT (default), SYSTEM or TOOL ones. Archived threads answer 409 `thread-archived`.",
  request: {
    params: IdParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CreateMessageBody } } },
  },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(MessageResponse, "The message was posted."),
      headers: { ETag, Location: locationHeader("message"), ...writeHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...idempotencyErrors,
    ...threadConflict,
    ...rateLimited,
  },
});

export const listMessages = createRoute({
  operationId: "listMessages",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/messages",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "List messages",
  description:
    "The thread's messages in the order they were stored (`seq`): newest first by default, `order=asc` for oldest first. `after` / `before` (message ids) bound the range; `parent_id` lists one message's replies, `top_level=true` only messages that are not replies. Pages continue with `next_cursor` as `cursor`; positions never shift, so paging while others post neither repeats nor skips a message. Deleted messages stay as tombstones (`deleted_at` set, content removed).",
  request: { params: IdParams, query: ListMessagesQuery },
  responses: {
    [Status.OK]: jsonResponse(MessagePage, "A page of messages."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const getMessage = createRoute({
  operationId: "getMessage",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/messages/{message_id}",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get a message",
  description:
    "One message with its attachments and reactions. `If-None-Match` with its ETag answers 304 while it is unchanged (its reactions included).",
  request: { params: MessageParams, headers: IfNoneMatchHeaders },
  responses: {
    [Status.OK]: { ...jsonResponse(MessageResponse, "The message."), headers: { ETag } },
    [Status.NOT_MODIFIED]: { description: "The message has not changed since the ETag you sent.", headers: { ETag } },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const updateMessage = createRoute({
  operationId: "updateMessage",
  ...mcpTool,
  method: "patch",
  path: "/threads/{id}/messages/{message_id}",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Edit a message",
  description:
    "Changes the text, blocks or metadata of a message you wrote (only its author may: 403 otherwise), records `edited_at` and logs `message.updated`. The message keeps its place. With `If-Match` the edit applies only to the version you read (412 otherwise). Deleted messages cannot be edited (409).",
  request: {
    params: MessageParams,
    headers: UpdateHeaders,
    body: { required: true, content: { "application/json": { schema: UpdateMessageBody } } },
  },
  responses: {
    [Status.OK]: { ...jsonResponse(MessageResponse, "The edited message."), headers: { ETag, ...writeHeaders } },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...idempotencyErrors,
    ...threadConflict,
    ...preconditionFailed,
    ...rateLimited,
  },
});

export const deleteMessage = createRoute({
  operationId: "deleteMessage",
  ...mcpTool,
  method: "delete",
  path: "/threads/{id}/messages/{message_id}",
  ...guarded(write, rateLimit(writeRateLimit)),
  tags,
  summary: "Delete a message",
  description:
    "Turns the message into a tombstone: its text, blocks, metadata, attachments and reactions are removed; its place, author and replies stay, so the thread's history stays coherent. Logs `message.deleted`. Its author, the thread's owner, admins and API keys may delete. Deleting a deleted message changes nothing and answers 204 again.",
  request: { params: MessageParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The message is deleted.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...threadConflict,
    ...rateLimited,
  },
});

import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  conflict,
  idempotencyErrors,
  notFound,
  preconditionFailed,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { etagHeader, IfNoneMatchHeaders, locationHeader, UpdateHeaders, writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdempotencyHeaders, IdParams } from "../../schemas/common";
import { CreateThreadBody, ListThreadsQuery, ThreadPage, ThreadResponse, UpdateThreadBody } from "./threads.schemas";

const tags = ["Threads"];
const ETag = etagHeader("thread (it changes with anything in the thread)");
const read = { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" } as const;
const write = { roles: ["ADMIN", "USER"], scope: "threads:write", ownership: "self", memberKeys: "thread" } as const;

export const createThread = createRoute({
  operationId: "createThread",
  ...mcpTool,
  method: "post",
  path: "/threads",
  ...guarded({ roles: ["ADMIN", "USER"], scope: "threads:write" }, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Create a thread",
  description:
    "Creates a thread, optionally with its first messages, in one atomic write: either all of it is stored (with a `thread.created` event and a `message.created` event per message) or nothing is. Users create their own threads and post USER messages; API keys (`threads:write`) create threads for a user named in `owner_id` and post as ASSISTANT, SYSTEM or TOOL (initial messages also need `messages:write`).",
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CreateThreadBody } } },
  },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(ThreadResponse, "The thread was created."),
      headers: { ETag, Location: locationHeader("thread"), ...writeHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...idempotencyErrors,
    ...rateLimited,
  },
});

export const listThreads = createRoute({
  operationId: "listThreads",
  ...mcpTool,
  method: "get",
  path: "/threads",
  ...guarded({ roles: ALL_ROLES, scope: "threads:read" }, rateLimit(readRateLimit)),
  tags,
  summary: "List threads",
  description:
    "Most recently active first (by `updated_at`, which every change in a thread moves), in pages of `limit`: pass `next_cursor` back as `cursor`. Users see their own threads; admins and API keys see every thread, or one user's with `owner_id`. A thread that gets busy while you page moves to the front, so it can show up twice or, on later pages, not at all: page again from the start to be sure.",
  request: { query: ListThreadsQuery },
  responses: {
    [Status.OK]: jsonResponse(ThreadPage, "A page of threads."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const getThread = createRoute({
  operationId: "getThread",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get a thread",
  description:
    "One thread with its counters. `If-None-Match` with its ETag answers 304 while nothing in the thread changed. Other people's threads answer 404.",
  request: { params: IdParams, headers: IfNoneMatchHeaders },
  responses: {
    [Status.OK]: { ...jsonResponse(ThreadResponse, "The thread."), headers: { ETag } },
    [Status.NOT_MODIFIED]: { description: "Nothing in the thread changed since the ETag you sent.", headers: { ETag } },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const updateThread = createRoute({
  operationId: "updateThread",
  method: "patch",
  path: "/threads/{id}",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Update a thread",
  description:
    "Changes the title, status (ACTIVE / ARCHIVED) or metadata, and logs a `thread.updated` event. With `If-Match` the change applies only if nothing in the thread changed since you read it (412 otherwise); without it, the fields you send are applied to the latest version.",
  request: {
    params: IdParams,
    headers: UpdateHeaders,
    body: { required: true, content: { "application/json": { schema: UpdateThreadBody } } },
  },
  responses: {
    [Status.OK]: { ...jsonResponse(ThreadResponse, "The updated thread."), headers: { ETag, ...writeHeaders } },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...idempotencyErrors,
    ...conflict,
    ...preconditionFailed,
    ...rateLimited,
  },
});

export const deleteThread = createRoute({
  operationId: "deleteThread",
  method: "delete",
  path: "/threads/{id}",
  ...guarded(write, rateLimit(writeRateLimit)),
  tags,
  summary: "Delete a thread",
  description:
    "Deletes the thread and everything in it: messages, reactions, attachments' links, artifacts, memory and its event log. This cannot be undone.",
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The thread was deleted.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

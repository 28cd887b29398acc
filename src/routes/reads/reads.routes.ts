import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdParams } from "../../schemas/common";
import { MarkReadBody, ReadStateResponse, UnreadTotalsResponse } from "./reads.schemas";

const tags = ["Threads"];
// Reading is what a read mark records: whoever reads the thread keeps their own, archived threads included.
const read = { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" } as const;

export const markThreadRead = createRoute({
  operationId: "markThreadRead",
  ...mcpTool,
  method: "put",
  path: "/threads/{id}/read",
  ...guarded(read, rateLimit(writeRateLimit)),
  tags,
  summary: "Mark a thread read",
  description:
    "Moves your read mark forward to `seq` (or `message_id`'s seq), and your `unread_count` becomes the messages by others after it (deleted ones not counted). The mark never moves back: an older `seq` leaves it where it is and answers it, so sending the same mark from two devices, or twice, is safe; a `seq` past the thread's end stops at its end. Each reader (a user or an API key) has a mark of their own. When a user's mark moves, their own user stream (GET /events) gets a `thread.read` event, so their other devices update their badges; nobody else sees it.",
  request: {
    params: IdParams,
    body: { required: true, content: { "application/json": { schema: MarkReadBody } } },
  },
  responses: {
    [Status.OK]: {
      ...jsonResponse(ReadStateResponse, "Your read state in the thread, after the move."),
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const getThreadReadState = createRoute({
  operationId: "getThreadReadState",
  method: "get",
  path: "/threads/{id}/read",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get your read state in a thread",
  description:
    "Your read mark in the thread and the messages by others after it. A thread you have never marked nor written in is unread from its start (`last_read_seq` 0, `updated_at` null); one you created starts read up to its first messages.",
  request: { params: IdParams },
  responses: {
    [Status.OK]: jsonResponse(ReadStateResponse, "Your read state in the thread."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const getMyUnreadCounts = createRoute({
  operationId: "getMyUnreadCounts",
  method: "get",
  path: "/me/unread",
  ...guarded({ roles: ALL_ROLES, scope: "threads:read" }, rateLimit(readRateLimit)),
  tags: ["Me"],
  summary: "Count what is unread for me",
  description:
    "Across every thread you reach (a user's own, every thread for an admin or a workspace-wide key, a member-only key's threads): how many have something unread for you, and how many unread messages they hold — the sums of the `unread_count` your threads carry. For the badge on an app's icon.",
  responses: {
    [Status.OK]: jsonResponse(UnreadTotalsResponse, "Your unread totals."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

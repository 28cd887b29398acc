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
  threadConflict,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdParams } from "../../schemas/common";
import { ActivityStatusList, ActivityStatusResponse, SetActivityStatusBody } from "./activity.schemas";

const tags = ["Events"];
const write = { roles: ["ADMIN", "USER"], scope: "messages:write", ownership: "self", memberKeys: "thread" } as const;

export const setActivityStatus = createRoute({
  operationId: "setActivityStatus",
  ...mcpTool,
  method: "put",
  path: "/threads/{id}/activity",
  ...guarded(write, rateLimit(writeRateLimit)),
  tags,
  summary: "Say what you are doing in a thread",
  description:
    'A short-lived status ("thinking…", "searching files…"), like Slack\'s `assistant.threads.setStatus`: shown at once to everyone watching the thread\'s live stream as an `activity` event (and to whoever starts watching while it lasts), cleared by itself after `expires_in` seconds, by `DELETE`, or by setting another. One per user or key per thread. Kept only by the thread\'s live hub, never in the event log: after a redeploy a status may be gone before its time.',
  request: {
    params: IdParams,
    body: { required: true, content: { "application/json": { schema: SetActivityStatusBody } } },
  },
  responses: {
    [Status.OK]: {
      ...jsonResponse(ActivityStatusResponse, "The status, shown to the thread's watchers."),
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...threadConflict,
    ...rateLimited,
  },
});

export const clearActivityStatus = createRoute({
  operationId: "clearActivityStatus",
  method: "delete",
  path: "/threads/{id}/activity",
  ...guarded(write, rateLimit(readRateLimit)),
  tags,
  summary: "Clear your status in a thread",
  description: "Watchers get an `activity` event with `text: null`. Idempotent: 204 whether or not you had one.",
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: { description: "Your status is cleared." },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const listActivityStatuses = createRoute({
  operationId: "listActivityStatuses",
  method: "get",
  path: "/threads/{id}/activity",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" },
    rateLimit(readRateLimit),
  ),
  tags,
  summary: "See who is doing what in a thread",
  description: "The statuses that have not expired, for a client that does not watch the live stream.",
  request: { params: IdParams },
  responses: {
    [Status.OK]: jsonResponse(ActivityStatusList, "The live statuses."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

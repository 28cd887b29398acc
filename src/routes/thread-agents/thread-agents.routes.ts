import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  commonErrors,
  conflict,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { locationHeader } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { IdParams } from "../../schemas/common";
import { MAX_AGENTS_PER_THREAD } from "../../wire/thread-agents";
import { AgentParams, ThreadAgentListResponse, ThreadAgentResponse } from "./thread-agents.schemas";

const tags = ["Threads"];
// Only people decide who is in a thread: its owner, or an admin. API keys never add or remove keys.
const manage = { roles: ["ADMIN", "USER"], ownership: "self" } as const;
const rateLimitHeaders = { "RateLimit-Policy": rateLimitPolicyHeader };

export const listThreadAgents = createRoute({
  operationId: "listThreadAgents",
  method: "get",
  path: "/threads/{id}/agents",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" },
    rateLimit(readRateLimit),
  ),
  tags,
  summary: "List a thread's agents",
  description: `The member-only API keys added to the thread (at most ${MAX_AGENTS_PER_THREAD}), first added first. Revoked and expired keys are not listed (nor counted against the ${MAX_AGENTS_PER_THREAD}). Workspace-wide keys (\`threads:all\`) reach every thread without being listed here.`,
  request: { params: IdParams },
  responses: {
    [Status.OK]: jsonResponse(ThreadAgentListResponse, "The thread's agents."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const addThreadAgent = createRoute({
  operationId: "addThreadAgent",
  method: "put",
  path: "/threads/{id}/agents/{key_id}",
  ...guarded(manage, rateLimit(writeRateLimit)),
  tags,
  summary: "Add an agent to a thread",
  description: `Adds a member-only API key to the thread, like adding an app to a Slack channel: from now on the key reaches the thread and everything in it (messages, artifacts, files, its event stream, search). Logs \`thread.agent_added\` and answers 201. Idempotent: a key already in the thread answers 200 and logs nothing. The thread's owner or an admin adds agents; a revoked, expired or unknown key answers 404; a workspace-wide key (\`threads:all\`) answers 409, since it reaches every thread already, and so does a thread with ${MAX_AGENTS_PER_THREAD} agents.`,
  request: { params: AgentParams },
  responses: {
    [Status.OK]: {
      ...jsonResponse(ThreadAgentResponse, "The key was in the thread already."),
      headers: rateLimitHeaders,
    },
    [Status.CREATED]: {
      ...jsonResponse(ThreadAgentResponse, "The key was added to the thread."),
      headers: { Location: locationHeader("thread's agent list"), ...rateLimitHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...conflict,
    ...rateLimited,
  },
});

export const removeThreadAgent = createRoute({
  operationId: "removeThreadAgent",
  method: "delete",
  path: "/threads/{id}/agents/{key_id}",
  ...guarded(manage, rateLimit(writeRateLimit)),
  tags,
  summary: "Remove an agent from a thread",
  description:
    "Removes the API key from the thread and logs `thread.agent_removed`. Its access ends at once: its next request about the thread answers 404, and its open live streams of the thread end right after that event, with a `reset` whose reason is `access_removed`. Files it uploaded stay its own. Idempotent: a key not in the thread answers 204 and changes nothing.",
  request: { params: AgentParams },
  responses: {
    [Status.NO_CONTENT]: { description: "The key is not in the thread (any more).", headers: rateLimitHeaders },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

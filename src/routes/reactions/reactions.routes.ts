import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  commonErrors,
  idempotencyErrors,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
  threadConflict,
} from "../../openapi/error-responses";
import { writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdempotencyHeaders } from "../../schemas/common";
import { MAX_EMOJI_PER_MESSAGE } from "../../wire/reactions";
import { MessageParams } from "../messages/messages.schemas";
import { ReactionListResponse, ReactionParams, ReactionResponse } from "./reactions.schemas";

const tags = ["Reactions"];
const write = { roles: ["ADMIN", "USER"], scope: "messages:write", ownership: "self", memberKeys: "thread" } as const;

export const listReactions = createRoute({
  operationId: "listReactions",
  method: "get",
  path: "/threads/{id}/messages/{message_id}/reactions",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" },
    rateLimit(readRateLimit),
  ),
  tags,
  summary: "List a message's reactions",
  description:
    "The message's reactions grouped by emoji, in the order each emoji was first used: how many, whether you reacted, and who (first come first).",
  request: { params: MessageParams },
  responses: {
    [Status.OK]: jsonResponse(ReactionListResponse, "The reactions, grouped by emoji."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const addReaction = createRoute({
  operationId: "addReaction",
  ...mcpTool,
  method: "put",
  path: "/threads/{id}/messages/{message_id}/reactions/{emoji}",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "React to a message",
  description: `Adds your reaction (users and agents alike) and logs \`reaction.added\`. Idempotent: reacting with the same emoji again stores nothing new and answers 200 the same way. A message carries at most ${MAX_EMOJI_PER_MESSAGE} different emoji (409 beyond); deleted messages and archived threads answer 409.`,
  request: { params: ReactionParams, headers: IdempotencyHeaders },
  responses: {
    [Status.OK]: { ...jsonResponse(ReactionResponse, "You have reacted with this emoji."), headers: writeHeaders },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...idempotencyErrors,
    ...threadConflict,
    ...rateLimited,
  },
});

export const removeReaction = createRoute({
  operationId: "removeReaction",
  ...mcpTool,
  method: "delete",
  path: "/threads/{id}/messages/{message_id}/reactions/{emoji}",
  ...guarded(write, rateLimit(writeRateLimit)),
  tags,
  summary: "Remove your reaction",
  description:
    "Removes your reaction with this emoji and logs `reaction.removed`. Idempotent: without such a reaction it answers 204 and changes nothing.",
  request: { params: ReactionParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "You have no reaction with this emoji.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...threadConflict,
    ...rateLimited,
  },
});

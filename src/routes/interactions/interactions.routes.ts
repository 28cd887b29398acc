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
  interactionRefused,
  notFound,
  rateLimited,
  threadConflict,
} from "../../openapi/error-responses";
import { writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdempotencyHeaders, IdParams } from "../../schemas/common";
import { MessageParams } from "../messages/messages.schemas";
import {
  BlockActionBody,
  FormSubmissionBody,
  InteractionPage,
  InteractionResultResponse,
  ListInteractionsQuery,
} from "./interactions.schemas";

const tags = ["Interactions"];
const act = { roles: ["ADMIN", "USER"], scope: "messages:write", ownership: "self", memberKeys: "thread" } as const;
const actErrors = {
  ...commonErrors,
  ...authErrors,
  ...bodyErrors,
  ...notFound,
  ...idempotencyErrors,
  ...threadConflict,
  ...interactionRefused,
  ...rateLimited,
};

export const submitBlockAction = createRoute({
  operationId: "submitBlockAction",
  method: "post",
  path: "/threads/{id}/messages/{message_id}/actions",
  ...guarded(act, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Act on a message's blocks",
  description:
    "Clicks a button, picks from a menu or a date — Slack's `block_actions`. It is checked against the blocks actually on the message (an unknown block or action, an option not offered, a value that is not the button's: 422 `action-invalid`), stored with who acted, and logged as `interaction.created` for the agent to react to. An actions block with `once: true` answers one action only: it is replaced, in the same write, by a line naming the choice (the message's `message.updated` event follows); another action on it is 409, while the same click by the same caller again (a retry whose answer was lost) answers the recorded interaction, adding nothing. The answer holds the interaction and the message as it now is.",
  request: {
    params: MessageParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: BlockActionBody } } },
  },
  responses: {
    [Status.CREATED]: { ...jsonResponse(InteractionResultResponse, "The action was taken."), headers: writeHeaders },
    ...actErrors,
  },
});

export const submitForm = createRoute({
  operationId: "submitForm",
  method: "post",
  path: "/threads/{id}/messages/{message_id}/submissions",
  ...guarded(act, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Submit a message's form",
  description:
    "Sends the values of the message's input blocks — Slack's `view_submission`: `values[block_id][action_id]`. Each is checked against its input's type, options and `optional` flag; the field errors come back together as a 422 `form-invalid` problem whose `errors[].path` is the `block_id` (Slack's `response_action: errors`). A valid submission is stored and logged as `interaction.created`.",
  request: {
    params: MessageParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: FormSubmissionBody } } },
  },
  responses: {
    [Status.CREATED]: { ...jsonResponse(InteractionResultResponse, "The form was submitted."), headers: writeHeaders },
    ...actErrors,
  },
});

export const listInteractions = createRoute({
  operationId: "listInteractions",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/interactions",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" },
    rateLimit(readRateLimit),
  ),
  tags,
  summary: "List the actions and submissions in a thread",
  description: "Newest first, for the thread's owner and agents; `message_id` narrows to one message.",
  request: { params: IdParams, query: ListInteractionsQuery },
  responses: {
    [Status.OK]: jsonResponse(InteractionPage, "A page of interactions."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

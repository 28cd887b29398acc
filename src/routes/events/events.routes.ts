import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { authErrors, commonErrors, gone, notFound } from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { EVENT_RETENTION_DAYS } from "../../repositories/events.repository";
import { IdParams } from "../../schemas/common";
import { EventPage, ListEventsQuery } from "./events.schemas";

export const listThreadEvents = createRoute({
  operationId: "listThreadEvents",
  method: "get",
  path: "/threads/{id}/events",
  ...guarded({ roles: ALL_ROLES, scope: "threads:read", ownership: "self" }),
  tags: ["Events"],
  summary: "Follow a thread's changes",
  description: `The thread's event log after \`after\`, oldest first: every change (thread created or updated, message created / edited / deleted, reaction added / removed, memory updated) with a gapless per-thread \`seq\`. Each event is written in the same atomic write as its change, so what you see here happened, in this order. Catch up, or poll: keep passing \`pagination.next_after\` back as \`after\`. Events are kept ${EVENT_RETENTION_DAYS} days; asking for older ones answers 410 \`event-log-truncated\`: read the thread (its \`last_event_seq\`) and its messages again, then follow from that seq.`,
  request: { params: IdParams, query: ListEventsQuery },
  responses: {
    [Status.OK]: jsonResponse(EventPage, "The next events."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...gone,
  },
});

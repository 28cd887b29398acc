import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { authErrors, commonErrors, gone, notFound, tooManyStreams } from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { RETRY_MS } from "../../realtime/stream-config";
import { EVENT_RETENTION_DAYS } from "../../repositories/events.repository";
import { IdParams } from "../../schemas/common";
import { ThreadStreamFrame, UserStreamFrame } from "../../wire/stream-frames";
import { EventPage, EventStreamHeaders, ListEventsQuery, UserEventPage } from "./events.schemas";

export const listThreadEvents = createRoute({
  operationId: "listThreadEvents",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/events",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread", streamToken: "thread" },
    rateLimit(readRateLimit),
  ),
  tags: ["Events"],
  summary: "Follow a thread's changes",
  description: `The thread's event log after \`after\`, oldest first: every change (thread created or updated, message created / edited / deleted, reaction added / removed, memory updated) with a gapless per-thread \`seq\`. Each event is written in the same atomic write as its change, so what you see here happened, in this order. Catch up, or poll: keep passing \`pagination.next_after\` back as \`after\`. Events are kept ${EVENT_RETENTION_DAYS} days; asking for older ones answers 410 \`event-log-truncated\`: read the thread (its \`last_event_seq\`) and its messages again, then follow from that seq.

**Live** (\`Accept: text/event-stream\`): the same events as server-sent events — \`id:\` the seq, \`event:\` the type, \`data:\` the event as above — first every event after \`Last-Event-ID\` (or \`after\`), then each new one as it is written, in order, each once, with no gap or repeat at the seam; \`retry: ${RETRY_MS}\` first and a \`: heartbeat\` comment about every 15 s. An \`EventSource\` that reconnects sends \`Last-Event-ID\` itself and so resumes where it was. A client further behind than the log reaches gets one \`reset\` event and the stream ends (instead of the 410). A browser's \`EventSource\` cannot send \`Authorization\`: get a stream token from POST /stream-tokens and pass it as \`token\`. A stream ends after an hour (resume with \`Last-Event-ID\`); too many streams on the thread, or of yours on it, answer 429 \`too-many-streams\`.

**WebSocket** (\`Upgrade: websocket\`, for clients where SSE is not an option): the same frames as JSON text messages, resumed with \`after\`, kept alive by sending \`ping\` (answered \`pong\`); the same limits and stream tokens.`,
  request: { params: IdParams, query: ListEventsQuery, headers: EventStreamHeaders },
  responses: {
    [Status.SWITCHING_PROTOCOLS]: {
      description:
        'Upgraded to a WebSocket (`Upgrade: websocket`): the live stream\'s frames, each a JSON text message shaped as ThreadStreamFrame (`{"id": "7", "event": "message.created", "data": {…}}`; `activity` and `reset` without `id`). Resume with `?after=<the last id>` (browsers\' WebSocket cannot send headers: use `token`). Send `ping` to get `pong`; nothing else. A `reset` is followed by close code 4000.',
    },
    [Status.OK]: {
      description: "The next events (JSON), or the live stream (`text/event-stream`).",
      content: {
        ...jsonResponse(EventPage, "").content,
        "text/event-stream": { schema: ThreadStreamFrame },
      },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...gone,
    ...tooManyStreams,
  },
});

export const listMyEvents = createRoute({
  operationId: "listMyEvents",
  method: "get",
  path: "/events",
  ...guarded({ roles: ALL_ROLES, streamToken: "user" }, rateLimit(readRateLimit)),
  tags: ["Events"],
  summary: "Follow your own threads",
  description: `Your user stream, for notification badges and thread lists: what happens in the threads you own — one created (\`thread.created\`), renamed, archived or restored (\`thread.updated\`), a new message in any of them (\`message.created\`) — each as its thread's own event, numbered by a gapless \`seq\` of your own. Each is written in the same atomic write as the change. It works like a thread's feed: JSON after \`after\` (410 \`event-log-truncated\` past the ${EVENT_RETENTION_DAYS} days kept), or live with \`Accept: text/event-stream\` (resume with \`Last-Event-ID\`; a \`reset\` when too far behind) or \`Upgrade: websocket\`, with the same heartbeats and hour-long streams; at most \`STREAM_MAX_PER_HOLDER\` (10) open at once (429 \`too-many-streams\`). A browser's \`EventSource\` passes a stream token from POST /stream-tokens \`{"stream": "user"}\`. Users only: API keys follow threads (403). Deleted threads send nothing here: opening one answers 404.`,
  request: { query: ListEventsQuery, headers: EventStreamHeaders },
  responses: {
    [Status.SWITCHING_PROTOCOLS]: {
      description:
        "Upgraded to a WebSocket: the live stream's frames as JSON text messages shaped as UserStreamFrame; resume with `?after=<the last id>`; `ping` → `pong`; a `reset` is followed by close code 4000.",
    },
    [Status.OK]: {
      description: "The next events of your stream (JSON), or the live stream (`text/event-stream`).",
      content: {
        ...jsonResponse(UserEventPage, "").content,
        "text/event-stream": { schema: UserStreamFrame },
      },
    },
    ...commonErrors,
    ...authErrors,
    ...gone,
    ...tooManyStreams,
  },
});

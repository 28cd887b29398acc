import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { STREAM_TOKEN_TTL_SECONDS } from "../../auth/stream-tokens";
import { Status } from "../../http/status";
import { rateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { CreateStreamTokenBody, StreamTokenResponse } from "./stream-tokens.schemas";

export const createStreamToken = createRoute({
  operationId: "createStreamToken",
  method: "post",
  path: "/stream-tokens",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" },
    rateLimit(writeRateLimit),
  ),
  tags: ["Events"],
  summary: "Get a token for a live stream",
  description: `For clients that cannot send \`Authorization\` — a browser's \`EventSource\`: a token, valid ${STREAM_TOKEN_TTL_SECONDS / 60} minutes, that opens one live event stream — of a thread you may read (\`{"thread_id": …}\`: \`GET /threads/{id}/events?token=…\`), or your own user stream (\`{"stream": "user"}\`, users only: \`GET /events?token=…\`), with \`Accept: text/event-stream\` or a WebSocket upgrade — and nothing else: not another stream, not the JSON feed, not any other operation. It is checked again when used, so a session signed out or a key revoked since cannot use it. Ask for a new one to reconnect after it expired. Threads you cannot read answer 404.`,
  request: { body: { required: true, content: { "application/json": { schema: CreateStreamTokenBody } } } },
  responses: {
    [Status.OK]: {
      ...jsonResponse(StreamTokenResponse, "The token and the stream's URL."),
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...rateLimited,
  },
});

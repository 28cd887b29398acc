import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { authErrors, commonErrors, rateLimited } from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { SearchMessagesQuery, SearchPage } from "./search.schemas";

export const searchMessages = createRoute({
  operationId: "searchMessages",
  ...mcpTool,
  method: "get",
  path: "/search/messages",
  ...guarded({ roles: ALL_ROLES, scope: "threads:read" }, rateLimit(readRateLimit)),
  tags: ["Search"],
  summary: "Search messages",
  description:
    "Full-text search over the text of the messages you can see (your threads; admins and API keys: every thread), best match first, with a highlighted snippet per hit. Deleted messages never match. Narrow to one thread with `thread_id`; page with `cursor`.",
  request: { query: SearchMessagesQuery },
  responses: {
    [Status.OK]: jsonResponse(SearchPage, "The best matches first."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

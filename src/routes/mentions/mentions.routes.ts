import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { authErrors, commonErrors, rateLimited } from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { PageQuery } from "../../schemas/common";
import { MentionPage } from "./mentions.schemas";

export const listMyMentions = createRoute({
  operationId: "listMyMentions",
  method: "get",
  path: "/me/mentions",
  // Only users are mentioned (`<@USER_ID>`); an API key has no mentions to list.
  ...guarded({ roles: ALL_ROLES }, rateLimit(readRateLimit)),
  tags: ["Me"],
  summary: "List messages that mention me",
  description:
    "The live messages that mention you (`<@YOUR_ID>` in their text, or a `user` element in their rich text), newest first, in threads you can see; each says whether it is after your read mark (`unread`). Your own messages are not listed, and a deleted message, or one edited to drop the mention, leaves the list. Keyset pages: follow `next_cursor`.",
  request: { query: PageQuery },
  responses: {
    [Status.OK]: jsonResponse(MentionPage, "A page of messages that mention you."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

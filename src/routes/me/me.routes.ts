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
import { IdParams, PageQuery } from "../../schemas/common";
import { UserResponse } from "../users/users.schemas";
import { SessionPage, UpdateProfileBody } from "./me.schemas";

const tags = ["Me"];
const user = (description: string) => jsonResponse(UserResponse, description);

export const getMe = createRoute({
  operationId: "getMe",
  ...mcpTool,
  method: "get",
  path: "/me",
  tags,
  summary: "Get my profile",
  description: "The signed-in user, with their role.",
  ...guarded({ roles: ALL_ROLES }, rateLimit(readRateLimit)),
  responses: { [Status.OK]: user("The signed-in user."), ...commonErrors, ...authErrors, ...rateLimited },
});

export const updateMe = createRoute({
  operationId: "updateMe",
  method: "patch",
  path: "/me",
  tags,
  summary: "Update my profile",
  description:
    "Changes your name or avatar. Role and email cannot be changed here (unknown fields are rejected); read-only users cannot change anything.",
  ...guarded({ roles: ["ADMIN", "USER"] }, rateLimit(writeRateLimit)),
  request: { body: { required: true, content: { "application/json": { schema: UpdateProfileBody } } } },
  responses: {
    [Status.OK]: { ...user("The updated profile."), headers: { "RateLimit-Policy": rateLimitPolicyHeader } },
    ...commonErrors,
    ...bodyErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const listMySessions = createRoute({
  operationId: "listMySessions",
  method: "get",
  path: "/me/sessions",
  tags,
  summary: "List my sessions",
  description: "Every session (signed-in device) of yours, newest first, including ended ones.",
  ...guarded({ roles: ALL_ROLES }, rateLimit(readRateLimit)),
  request: { query: PageQuery },
  responses: {
    [Status.OK]: { description: "A page of sessions.", content: { "application/json": { schema: SessionPage } } },
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const revokeMySession = createRoute({
  operationId: "revokeMySession",
  method: "delete",
  path: "/me/sessions/{id}",
  tags,
  summary: "Revoke one of my sessions",
  description:
    "Signs that device out: its refresh token and access tokens stop working. Other people's sessions are 404.",
  ...guarded({ roles: ALL_ROLES }, rateLimit(writeRateLimit)),
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The session is revoked.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

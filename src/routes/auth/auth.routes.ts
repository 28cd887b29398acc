import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded, publicAccess } from "../../auth/access";
import { Status } from "../../http/status";
import { authRateLimit, rateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { DevSignInBody, RefreshBody, TokenResponse } from "./auth.schemas";

const tags = ["Auth"];
const tokens = (description: string) => ({
  ...jsonResponse(TokenResponse, description),
  headers: { "RateLimit-Policy": rateLimitPolicyHeader },
});

export const devSignIn = createRoute({
  operationId: "devSignIn",
  method: "post",
  path: "/auth/dev/sign-in",
  tags,
  summary: "Sign in without Google (local development only)",
  description:
    "Only when ENVIRONMENT is `development` (404 everywhere else): signs in as the user with this email, creating it with the given role on first use. For the quick start and local tools.",
  ...publicAccess(rateLimit(authRateLimit)),
  request: { body: { required: true, content: { "application/json": { schema: DevSignInBody } } } },
  responses: {
    [Status.OK]: tokens("A new session."),
    ...commonErrors,
    ...bodyErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const refreshTokens = createRoute({
  operationId: "refreshTokens",
  method: "post",
  path: "/auth/refresh",
  tags,
  summary: "Refresh an access token",
  description:
    "Trades a refresh token for a new access token and a new refresh token (the old one stops working). Presenting a refresh token that was already used revokes the whole session (401): a sign it was stolen.",
  ...publicAccess(rateLimit(authRateLimit)),
  request: { body: { required: true, content: { "application/json": { schema: RefreshBody } } } },
  responses: {
    [Status.OK]: tokens("New tokens for the same session."),
    ...commonErrors,
    ...bodyErrors,
    [Status.UNAUTHORIZED]: authErrors[Status.UNAUTHORIZED],
    ...rateLimited,
  },
});

export const signOut = createRoute({
  operationId: "signOut",
  method: "post",
  path: "/auth/logout",
  tags,
  summary: "Sign out",
  description:
    "Revokes the session of the access token sent: its refresh token and access tokens stop working at once.",
  ...guarded({ roles: ALL_ROLES }, rateLimit(writeRateLimit)),
  responses: {
    [Status.NO_CONTENT]: {
      description: "The session is revoked.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

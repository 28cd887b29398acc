import { createRoute } from "@hono/zod-openapi";
import { guarded } from "../../auth/access";
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
import { IdParams, PageQuery } from "../../schemas/common";
import { ApiKeyPage, ApiKeyResponse, CreateApiKeyBody, CreatedApiKeyResponse } from "./api-keys.schemas";

// Every rule here is admins with a user session only: no `scope`, so an API key never manages keys.
const tags = ["API keys"];

export const createApiKey = createRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/api-keys",
  tags,
  summary: "Create an API key",
  description:
    "Issues a partner API key with the given scopes and optional expiry. The response's `secret` is the whole key: it is shown only this once (only its SHA-256 is stored), so hand it over now. Send it as `X-API-Key: <key>` or `Authorization: Bearer <key>`. A key is member-only unless its scopes include `threads:all`: it reaches a thread once the thread's owner or an admin adds it (PUT /threads/{id}/agents/{key_id}), or when it creates the thread; with `threads:all` it is workspace-wide and reaches every thread, for the operator's own agents.",
  // No Idempotency-Key: a stored replay would keep the plaintext key at rest.
  ...guarded({ roles: ["ADMIN"] }, rateLimit(writeRateLimit)),
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } } },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(CreatedApiKeyResponse, "The key was created; `secret` is shown only here."),
      headers: {
        "RateLimit-Policy": rateLimitPolicyHeader,
        Location: {
          description: "URL of the new key.",
          schema: { type: "string", format: "uri-reference", maxLength: 2048 },
        },
      },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...rateLimited,
  },
});

export const listApiKeys = createRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/api-keys",
  tags,
  summary: "List API keys",
  description:
    "Every API key, newest first, including revoked and expired ones, in pages of `limit`; pass `next_cursor` back as `cursor`. Secrets are never shown again.",
  ...guarded({ roles: ["ADMIN"] }, rateLimit(readRateLimit)),
  request: { query: PageQuery },
  responses: {
    [Status.OK]: jsonResponse(ApiKeyPage, "A page of API keys."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const getApiKey = createRoute({
  operationId: "getApiKey",
  method: "get",
  path: "/api-keys/{id}",
  tags,
  summary: "Get an API key",
  description: "One API key with its scopes, expiry, last use and revocation; never its secret.",
  ...guarded({ roles: ["ADMIN"] }, rateLimit(readRateLimit)),
  request: { params: IdParams },
  responses: {
    [Status.OK]: jsonResponse(ApiKeyResponse, "The API key."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const revokeApiKey = createRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/api-keys/{id}",
  tags,
  summary: "Revoke an API key",
  description:
    "The key stops working at once (401) and stays listed with `revoked_at`. Revoking a revoked key is a no-op that still answers 204.",
  ...guarded({ roles: ["ADMIN"] }, rateLimit(writeRateLimit)),
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The key is revoked.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

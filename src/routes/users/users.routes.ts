import { createRoute, z } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  conflict,
  idempotencyErrors,
  notFound,
  preconditionFailed,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { IdempotencyHeaders, IdParams } from "../../schemas/common";
import { CreateUserBody, ListUsersQuery, UpdateUserBody, UserPage, UserResponse } from "./users.schemas";

const tags = ["Users"];
const ETag = {
  description: "Version of the user; send it back as If-None-Match or If-Match.",
  schema: { type: "string" as const, maxLength: 16, pattern: '^"[0-9a-z]+"$' },
};
const Precondition = z.string().max(512);

export const createUser = createRoute({
  operationId: "createUser",
  method: "post",
  path: "/users",
  ...guarded({ roles: ["ADMIN"], scope: "users:write" }, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Create a user",
  description:
    "Creates a user (admins, or API keys with `users:write`). Emails are unique (compared lower-cased); a taken email answers 409. Users who sign in with Google are created on their first sign-in.",
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CreateUserBody } } },
  },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(UserResponse, "The user was created."),
      headers: {
        ETag,
        "RateLimit-Policy": rateLimitPolicyHeader,
        "Idempotent-Replayed": {
          description: "`true` when this is the stored response of an earlier request with the same Idempotency-Key.",
          schema: { type: "string", enum: ["true"] },
        },
        Location: {
          description: "URL of the new user.",
          schema: { type: "string", format: "uri-reference", maxLength: 2048 },
        },
      },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...idempotencyErrors,
    ...rateLimited,
  },
});

export const listUsers = createRoute({
  operationId: "listUsers",
  method: "get",
  path: "/users",
  tags,
  summary: "List users",
  ...guarded({ roles: ["ADMIN"], scope: "users:read" }, rateLimit(readRateLimit)),
  description:
    "Newest first, in pages of `limit`; pass `next_cursor` back as `cursor` for the next page. Filter by `role` or `email`.",
  request: { query: ListUsersQuery },
  responses: {
    [Status.OK]: jsonResponse(UserPage, "A page of users."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const getUser = createRoute({
  operationId: "getUser",
  method: "get",
  path: "/users/{id}",
  tags,
  summary: "Get a user",
  ...guarded({ roles: ALL_ROLES, scope: "users:read", ownership: "self" }, rateLimit(readRateLimit)),
  description: "Returns one user with its ETag; `If-None-Match` with that ETag answers 304 while it is unchanged.",
  request: {
    params: IdParams,
    headers: z.object({
      "if-none-match": Precondition.optional().openapi({ param: { in: "header" }, example: '"mif7vj3k"' }),
    }),
  },
  responses: {
    [Status.OK]: { ...jsonResponse(UserResponse, "The user."), headers: { ETag } },
    [Status.NOT_MODIFIED]: { description: "The user has not changed since the ETag you sent.", headers: { ETag } },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const updateUser = createRoute({
  operationId: "updateUser",
  method: "patch",
  path: "/users/{id}",
  tags,
  summary: "Update a user",
  ...guarded({ roles: ["ADMIN", "USER"], scope: "users:write", ownership: "self" }, rateLimit(writeRateLimit)),
  description:
    "Changes the fields sent and leaves the rest. Send `If-Match` with the ETag you read to avoid overwriting someone else's change (412 if it moved on). Admins and API keys with `users:write` edit anyone; users edit only their own profile, and nobody changes their own role (403).",
  request: {
    params: IdParams,
    headers: z.object({
      "if-match": Precondition.optional().openapi({ param: { in: "header" }, example: '"mif7vj3k"' }),
    }),
    body: { required: true, content: { "application/json": { schema: UpdateUserBody } } },
  },
  responses: {
    [Status.OK]: {
      ...jsonResponse(UserResponse, "The updated user."),
      headers: { ETag, "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...conflict,
    ...preconditionFailed,
    ...rateLimited,
  },
});

export const deleteUser = createRoute({
  operationId: "deleteUser",
  method: "delete",
  path: "/users/{id}",
  tags,
  summary: "Delete a user",
  ...guarded({ roles: ["ADMIN"], scope: "users:write" }, rateLimit(writeRateLimit)),
  description:
    "Deletes the user with their sessions, threads (and everything in them) and reactions. Messages they wrote in other threads stay, without an author.",
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The user was deleted.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

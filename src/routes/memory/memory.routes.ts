import { createRoute } from "@hono/zod-openapi";
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
  preconditionRequired,
  rateLimited,
} from "../../openapi/error-responses";
import { etagHeader, IfNoneMatchHeaders, UpdateHeaders, writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdParams } from "../../schemas/common";
import { MemoryDocument } from "../../wire/memory";
import { MemoryMergePatch, ThreadMemoryResponse } from "./memory.schemas";

const tags = ["Memory"];
const ETag = etagHeader("memory document (its version number)");
const write = { roles: ["ADMIN", "USER"], scope: "threads:write", ownership: "self", memberKeys: "thread" } as const;
const updateErrors = {
  ...commonErrors,
  ...authErrors,
  ...bodyErrors,
  ...notFound,
  ...idempotencyErrors,
  ...conflict,
  ...preconditionFailed,
  ...preconditionRequired,
  ...rateLimited,
};

export const getThreadMemory = createRoute({
  operationId: "getThreadMemory",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/memory",
  ...guarded(
    { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" },
    rateLimit(readRateLimit),
  ),
  tags,
  summary: "Get the thread's memory",
  description:
    "The JSON document the agent keeps for this thread, with its version (0 and `{}` before the first write). Its ETag is the version; `If-None-Match` answers 304 while it is unchanged.",
  request: { params: IdParams, headers: IfNoneMatchHeaders },
  responses: {
    [Status.OK]: { ...jsonResponse(ThreadMemoryResponse, "The memory document."), headers: { ETag } },
    [Status.NOT_MODIFIED]: { description: "The memory has not changed since the ETag you sent.", headers: { ETag } },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const replaceThreadMemory = createRoute({
  operationId: "replaceThreadMemory",
  method: "put",
  path: "/threads/{id}/memory",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Replace the thread's memory",
  description:
    "Replaces the whole document and logs `memory.updated`. Once a memory exists, a replacement must say which version it replaces: `If-Match` with the ETag you read (412 if it moved on), or `*` to overwrite whatever is there; without `If-Match` it answers 428, so a blind write never loses someone else's update. The first write needs no `If-Match`.",
  request: {
    params: IdParams,
    headers: UpdateHeaders,
    body: { required: true, content: { "application/json": { schema: MemoryDocument } } },
  },
  responses: {
    [Status.OK]: { ...jsonResponse(ThreadMemoryResponse, "The new memory."), headers: { ETag, ...writeHeaders } },
    ...updateErrors,
  },
});

export const updateThreadMemory = createRoute({
  operationId: "updateThreadMemory",
  ...mcpTool,
  method: "patch",
  path: "/threads/{id}/memory",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Merge-patch the thread's memory",
  description:
    "Applies a JSON Merge Patch (RFC 7396; send it as `application/merge-patch+json`) and logs `memory.updated`. Without `If-Match` the patch is applied to the latest version atomically, so concurrent patches to different members all land; with `If-Match` it applies only to the version you read (412 otherwise). A result beyond the memory limits answers 400.",
  request: {
    params: IdParams,
    headers: UpdateHeaders,
    body: { required: true, content: { "application/merge-patch+json": { schema: MemoryMergePatch } } },
  },
  responses: {
    [Status.OK]: { ...jsonResponse(ThreadMemoryResponse, "The patched memory."), headers: { ETag, ...writeHeaders } },
    ...updateErrors,
  },
});

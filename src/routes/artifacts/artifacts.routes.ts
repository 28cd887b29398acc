import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  idempotencyErrors,
  notFound,
  preconditionFailed,
  preconditionRequired,
  rateLimited,
  rateLimitPolicyHeader,
  threadConflict,
} from "../../openapi/error-responses";
import { etagHeader, IfNoneMatchHeaders, locationHeader, UpdateHeaders, writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdempotencyHeaders, IdParams } from "../../schemas/common";
import {
  ArtifactPage,
  ArtifactParams,
  ArtifactResponse,
  ArtifactVersionPage,
  ArtifactVersionResponse,
  CreateArtifactBody,
  ListArtifactsQuery,
  ListVersionsQuery,
  UpdateArtifactBody,
  VersionParams,
} from "./artifacts.schemas";

const tags = ["Artifacts"];
const ETag = etagHeader("artifact (its version number)");
const read = { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" } as const;
const write = { roles: ["ADMIN", "USER"], scope: "artifacts:write", ownership: "self", memberKeys: "thread" } as const;
const versioningErrors = {
  ...commonErrors,
  ...authErrors,
  ...notFound,
  ...idempotencyErrors,
  ...threadConflict,
  ...preconditionFailed,
  ...preconditionRequired,
  ...rateLimited,
};

export const createArtifact = createRoute({
  operationId: "createArtifact",
  ...mcpTool,
  method: "post",
  path: "/threads/{id}/artifacts",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Publish an artifact",
  description:
    "Publishes a structured output into the thread — an INSIGHT, REPORT, DASHBOARD, TABLE, CHART or DOCUMENT, each with its own `content` shape — optionally from one of its messages and with attached files. It starts at version 1; it and its `artifact.created` event are one atomic write. Agents need `artifacts:write`; users publish in their own threads.",
  request: {
    params: IdParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CreateArtifactBody } } },
  },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(ArtifactResponse, "The artifact, at version 1."),
      headers: { ETag, Location: locationHeader("artifact"), ...writeHeaders },
    },
    ...versioningErrors,
    ...bodyErrors,
  },
});

export const listArtifacts = createRoute({
  operationId: "listArtifacts",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/artifacts",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "List a thread's artifacts",
  description: "Newest first, each in its current version; filter by `type`.",
  request: { params: IdParams, query: ListArtifactsQuery },
  responses: {
    [Status.OK]: jsonResponse(ArtifactPage, "A page of artifacts."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const getArtifact = createRoute({
  operationId: "getArtifact",
  ...mcpTool,
  method: "get",
  path: "/threads/{id}/artifacts/{artifact_id}",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get an artifact",
  description:
    "The artifact in its current version. Its ETag is the version; `If-None-Match` answers 304 until the next one.",
  request: { params: ArtifactParams, headers: IfNoneMatchHeaders },
  responses: {
    [Status.OK]: { ...jsonResponse(ArtifactResponse, "The artifact."), headers: { ETag } },
    [Status.NOT_MODIFIED]: { description: "No new version since the ETag you sent.", headers: { ETag } },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const updateArtifact = createRoute({
  operationId: "updateArtifact",
  ...mcpTool,
  method: "patch",
  path: "/threads/{id}/artifacts/{artifact_id}",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Update an artifact",
  description:
    "Makes a new version from the current one and the fields you send (`content` whole, of the artifact's type; `file_ids` replaces the list), and logs `artifact.updated`. `If-Match` with the ETag you read is required (428 without it): a version never overwrites one you have not seen (412).",
  request: {
    params: ArtifactParams,
    headers: UpdateHeaders,
    body: { required: true, content: { "application/json": { schema: UpdateArtifactBody } } },
  },
  responses: {
    [Status.OK]: {
      ...jsonResponse(ArtifactResponse, "The artifact, at its new version."),
      headers: { ETag, ...writeHeaders },
    },
    ...versioningErrors,
    ...bodyErrors,
  },
});

export const deleteArtifact = createRoute({
  operationId: "deleteArtifact",
  method: "delete",
  path: "/threads/{id}/artifacts/{artifact_id}",
  ...guarded(write, rateLimit(writeRateLimit)),
  tags,
  summary: "Delete an artifact",
  description: "Deletes the artifact with all its versions and logs `artifact.deleted`. Its files stay.",
  request: { params: ArtifactParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The artifact was deleted.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...threadConflict,
    ...rateLimited,
  },
});

export const listArtifactVersions = createRoute({
  operationId: "listArtifactVersions",
  method: "get",
  path: "/threads/{id}/artifacts/{artifact_id}/versions",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "List an artifact's versions",
  description:
    "Every state the artifact has had, newest first, each whole (title, summary, content, metadata, files) with who made it.",
  request: { params: ArtifactParams, query: ListVersionsQuery },
  responses: {
    [Status.OK]: jsonResponse(ArtifactVersionPage, "A page of versions."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const getArtifactVersion = createRoute({
  operationId: "getArtifactVersion",
  method: "get",
  path: "/threads/{id}/artifacts/{artifact_id}/versions/{version}",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get one version of an artifact",
  description: "The artifact as it was at that version.",
  request: { params: VersionParams },
  responses: {
    [Status.OK]: jsonResponse(ArtifactVersionResponse, "The version."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const restoreArtifactVersion = createRoute({
  operationId: "restoreArtifactVersion",
  method: "post",
  path: "/threads/{id}/artifacts/{artifact_id}/versions/{version}/restore",
  ...guarded(write, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Restore a version",
  description:
    "Makes an old version current again as a new version (history is never rewritten) and logs `artifact.updated`. Needs `If-Match` with the artifact's current ETag, like an update.",
  request: { params: VersionParams, headers: UpdateHeaders },
  responses: {
    [Status.OK]: {
      ...jsonResponse(ArtifactResponse, "The artifact, at its new version."),
      headers: { ETag, ...writeHeaders },
    },
    ...versioningErrors,
  },
});

import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { authErrors, commonErrors, featureNotConfigured, notFound, rateLimited } from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { IdParams } from "../../schemas/common";
import { FilePreviewResponse, PreviewPendingResponse } from "./previews.schemas";

const tags = ["Files"];
const read = { roles: ALL_ROLES, scope: "files:read", ownership: "self", memberKeys: "thread" } as const;
const pending = {
  ...jsonResponse(PreviewPendingResponse, "The preview is being made: ask again after `Retry-After` seconds."),
  headers: {
    "Retry-After": {
      description: "Seconds to wait before asking again.",
      schema: { type: "integer" as const, format: "int32", minimum: 1, maximum: 60 },
    },
  },
};
const whyNone =
  "404 `preview-unavailable` says why there is none (its type has none, or making it failed); 503 `feature-not-configured` when this deployment has no PREVIEWS queue.";

export const getFilePreview = createRoute({
  operationId: "getFilePreview",
  method: "get",
  path: "/files/{id}/preview",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get a file's preview",
  description: `Made after upload without making it wait (a queue consumer): an image's dimensions and thumbnail, the first lines of text, Markdown or JSON, a CSV's header, row count and first lines, a PDF's page count. 202 while it is being made (a file uploaded before previews existed is queued on first ask). ${whyNone}`,
  request: { params: IdParams },
  responses: {
    [Status.OK]: jsonResponse(FilePreviewResponse, "The preview."),
    [Status.ACCEPTED]: pending,
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...featureNotConfigured,
    ...rateLimited,
  },
});

export const getFileThumbnail = createRoute({
  operationId: "getFileThumbnail",
  method: "get",
  path: "/files/{id}/preview/thumbnail",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get an image's thumbnail",
  description: `The PNG thumbnail of an image file (longest side at most 320 pixels). 202 while it is being made. ${whyNone}`,
  request: { params: IdParams },
  responses: {
    [Status.OK]: {
      description: "The thumbnail.",
      headers: {
        "Cache-Control": {
          description: "`private`: only the client may keep it.",
          schema: { type: "string" as const, maxLength: 64 },
        },
      },
      content: { "image/png": { schema: { type: "string" as const, format: "binary", maxLength: 10_485_760 } } },
    },
    [Status.ACCEPTED]: pending,
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...featureNotConfigured,
    ...rateLimited,
  },
});

import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded, publicAccess } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  featureNotConfigured,
  lengthRequired,
  linkExpired,
  notFound,
  rangeNotSatisfiable,
  rateLimited,
  rateLimitPolicyHeader,
  uploadRefused,
} from "../../openapi/error-responses";
import { etagHeader, IfNoneMatchHeaders, locationHeader } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { mcpTool } from "../../openapi/mcp";
import { IdParams } from "../../schemas/common";
import {
  binary,
  CreateLinkBody,
  DownloadLinkResponse,
  DownloadQuery,
  FilePage,
  FileResponse,
  ListFilesQuery,
  SignedDownloadQuery,
  UploadHeaders,
  UploadQuery,
} from "./files.schemas";

const tags = ["Files"];
const read = { roles: ALL_ROLES, scope: "files:read", ownership: "self", memberKeys: "thread" } as const;

const contentHeaders = {
  ETag: {
    description: "The bytes' SHA-256 (strong); send it as If-None-Match.",
    schema: { type: "string" as const, pattern: '^"[0-9a-f]{64}"$', maxLength: 66 },
  },
  "Accept-Ranges": {
    description: "`bytes`: send `Range` for a part.",
    schema: { type: "string" as const, enum: ["bytes"] },
  },
  "Content-Disposition": {
    description: "`attachment` or `inline` (passive types only), with the file's name.",
    schema: { type: "string" as const, maxLength: 1024 },
  },
  "Content-Length": {
    description: "Bytes in this response.",
    schema: { type: "integer" as const, format: "int64", minimum: 0, maximum: 5_368_709_120 },
  },
  "Content-Security-Policy": {
    description: "User content is data: `default-src 'none'; …; sandbox`.",
    schema: { type: "string" as const, maxLength: 256 },
  },
  "Cache-Control": {
    description: "`private`: only the client may keep it.",
    schema: { type: "string" as const, maxLength: 64 },
  },
};
const downloadResponses = {
  [Status.OK]: { description: "The whole file.", headers: contentHeaders, content: { "*/*": binary } },
  [Status.PARTIAL_CONTENT]: {
    description: "The part asked for with `Range`.",
    headers: {
      ...contentHeaders,
      "Content-Range": {
        description: "`bytes <first>-<last>/<size>`.",
        schema: { type: "string" as const, pattern: "^bytes \\d+-\\d+/\\d+$", maxLength: 64 },
      },
    },
    content: { "*/*": binary },
  },
  [Status.NOT_MODIFIED]: {
    description: "The bytes have not changed since the ETag you sent.",
    headers: { ETag: contentHeaders.ETag },
  },
};
const rangeDescription =
  "`Range: bytes=a-b`, `bytes=a-` or `bytes=-n` answers 206 with that part; a range starting past the end answers 416 with `Content-Range: bytes */<size>`; several ranges (or a malformed header) are ignored and the whole file is sent (200), as RFC 9110 allows. `If-None-Match` with the ETag answers 304.";

export const uploadFile = createRoute({
  operationId: "uploadFile",
  method: "post",
  path: "/files",
  ...guarded({ roles: ["ADMIN", "USER"], scope: "files:write" }, rateLimit(writeRateLimit)),
  tags,
  summary: "Upload a file",
  description:
    "Two ways, told apart by `Content-Type`. **Raw body**: send the file itself, with its type as `Content-Type`, its size as `Content-Length` (411 without) and its name in `filename`; an optional `Content-Digest: sha-256=:<base64>:` is checked. **`multipart/form-data`** (an HTML form): a `file` part (its filename and Content-Type are the file's) and an optional `sha256` field (hex); no other fields, one file, `Content-Length` not needed. Either way the bytes are streamed to storage, never held whole in memory (form files go up in 5 MiB parts); their SHA-256 is computed on the way and returned, and a checksum that differs answers 422 `checksum-mismatch`. The first bytes must agree with the declared type (422 `content-type-mismatch`). Larger than `MAX_UPLOAD_BYTES` (25 MiB by default): 413. A refused upload keeps nothing. For larger files use a resumable upload (`POST /uploads`).",
  request: {
    query: UploadQuery,
    headers: UploadHeaders,
    body: {
      required: true,
      description: "The file's bytes, or a form with the file.",
      content: {
        "multipart/form-data": {
          schema: {
            type: "object" as const,
            required: ["file"],
            properties: {
              file: { ...binary.schema, description: "The file, with its filename and Content-Type." },
              sha256: {
                type: "string" as const,
                pattern: "^[0-9a-fA-F]{64}$",
                maxLength: 64,
                description: "Optional: the file's SHA-256, hex; a file that hashes differently is refused (422).",
              },
            },
            additionalProperties: false,
          },
          encoding: { file: { contentType: "*/*" } },
        },
        "*/*": binary,
      },
    },
  },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(FileResponse, "The file is stored."),
      headers: {
        ETag: etagHeader("file's metadata"),
        Location: locationHeader("file"),
        "RateLimit-Policy": rateLimitPolicyHeader,
      },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...lengthRequired,
    ...uploadRefused,
    ...rateLimited,
  },
});

export const listFiles = createRoute({
  operationId: "listFiles",
  method: "get",
  path: "/files",
  ...guarded({ roles: ALL_ROLES, scope: "files:read" }, rateLimit(readRateLimit)),
  tags,
  summary: "List my files",
  description: "The files you (or your API key) uploaded, newest first; filter by `thread_id` or `status`.",
  request: { query: ListFilesQuery },
  responses: {
    [Status.OK]: jsonResponse(FilePage, "A page of files."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const getFile = createRoute({
  operationId: "getFile",
  ...mcpTool,
  method: "get",
  path: "/files/{id}",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Get a file's metadata",
  description:
    "Name, type, size, checksum and status. Visible to its uploader, admins, API keys with `files:read`, and whoever can read a thread it belongs to or is attached in; everyone else gets 404.",
  request: { params: IdParams, headers: IfNoneMatchHeaders },
  responses: {
    [Status.OK]: { ...jsonResponse(FileResponse, "The file."), headers: { ETag: etagHeader("file's metadata") } },
    [Status.NOT_MODIFIED]: {
      description: "The file has not changed since the ETag you sent.",
      headers: { ETag: etagHeader("file's metadata") },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const deleteFile = createRoute({
  operationId: "deleteFile",
  method: "delete",
  path: "/files/{id}",
  ...guarded(
    { roles: ["ADMIN", "USER"], scope: "files:write", ownership: "self", memberKeys: "own" },
    rateLimit(writeRateLimit),
  ),
  tags,
  summary: "Delete a file",
  description:
    "Removes the bytes from storage and marks the file DELETED; it can no longer be downloaded or attached. Its uploader, admins and API keys with `files:write` may delete it. Deleting it again answers 204.",
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: {
      description: "The file is deleted.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const downloadFile = createRoute({
  operationId: "downloadFile",
  method: "get",
  path: "/files/{id}/content",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Download a file",
  description: `Streams the file (who may: as for its metadata). ${rangeDescription} User content comes with \`X-Content-Type-Options: nosniff\` and a sandboxing \`Content-Security-Policy\`; active types are always attachments.`,
  request: { params: IdParams, query: DownloadQuery, headers: IfNoneMatchHeaders },
  responses: {
    ...downloadResponses,
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rangeNotSatisfiable,
    ...rateLimited,
  },
});

export const createDownloadLink = createRoute({
  operationId: "createDownloadLink",
  ...mcpTool,
  method: "post",
  path: "/files/{id}/links",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Make a signed download link",
  description:
    "A short-lived URL that downloads the file without credentials, for an `<img>` or a plain link: signed (HMAC-SHA256) over the file, its expiry and its disposition, so it works for nothing else. Needs the `DOWNLOAD_URL_KEYS` secret: without it, 503 `feature-not-configured`.",
  request: {
    params: IdParams,
    body: { required: true, content: { "application/json": { schema: CreateLinkBody } } },
  },
  responses: {
    [Status.CREATED]: jsonResponse(DownloadLinkResponse, "The link."),
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...featureNotConfigured,
    ...rateLimited,
  },
});

export const downloadFileWithLink = createRoute({
  operationId: "downloadFileWithLink",
  method: "get",
  path: "/files/{id}/download",
  ...publicAccess(rateLimit(readRateLimit)),
  tags,
  summary: "Download with a signed link",
  description: `What a link from \`POST /files/{id}/links\` points at: no credentials, the signature is the permission. An expired link answers 403 \`link-expired\`; a link that is not ours, or for another file, 404. ${rangeDescription}`,
  request: { params: IdParams, query: SignedDownloadQuery, headers: IfNoneMatchHeaders },
  responses: {
    ...downloadResponses,
    ...commonErrors,
    ...linkExpired,
    ...notFound,
    ...rangeNotSatisfiable,
    ...rateLimited,
  },
});

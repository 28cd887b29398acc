import { createRoute } from "@hono/zod-openapi";
import { guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { idempotency } from "../../middleware/idempotency";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  idempotencyErrors,
  lengthRequired,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
  uploadConflict,
  uploadRefused,
} from "../../openapi/error-responses";
import { etagHeader, locationHeader, writeHeaders } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { IdempotencyHeaders, IdParams } from "../../schemas/common";
import { binary, FileResponse } from "../files/files.schemas";
import { CreateUploadBody, PartParams, ReceivedPartResponse, UploadResponse } from "./uploads.schemas";

const tags = ["Uploads"];
/**
 * Only the upload's own user or API key sees or uses it (admins included: others get 404), so every
 * caller the rule admits acts on uploads of its own; the check is the handler's lookup by owner.
 */
const own = { roles: ["ADMIN", "USER"], scope: "files:write" } as const;
const ownership =
  "Only the user or API key that created the upload may see or use it; anyone else gets 404, admins included.";
const rateLimitHeaders = { "RateLimit-Policy": rateLimitPolicyHeader };

export const createUpload = createRoute({
  operationId: "createUpload",
  method: "post",
  path: "/uploads",
  ...guarded(own, rateLimit(writeRateLimit), idempotency()),
  tags,
  summary: "Start a resumable upload",
  description:
    "For files larger than one request should carry (above `MAX_UPLOAD_BYTES`, up to `MAX_RESUMABLE_UPLOAD_BYTES`, 5 GiB by default; larger: 413): give the file's name, type and exact size, optionally its SHA-256 and a thread. Then send its parts (`PUT /uploads/{id}/parts/{part_number}`, in any order, each retryable) and complete it. The answer says how many parts of which size to send and when the upload expires (24 hours; an expired upload is aborted by the housekeeping). " +
    ownership,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CreateUploadBody } } },
  },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(UploadResponse, "The upload is open."),
      headers: { Location: locationHeader("upload"), ...writeHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...idempotencyErrors,
    ...rateLimited,
  },
});

export const getUpload = createRoute({
  operationId: "getUpload",
  method: "get",
  path: "/uploads/{id}",
  ...guarded(own, rateLimit(readRateLimit)),
  tags,
  summary: "Get a resumable upload",
  description: `Its status and the parts received so far (to resume after an interruption, send the missing ones). ${ownership}`,
  request: { params: IdParams },
  responses: {
    [Status.OK]: jsonResponse(UploadResponse, "The upload."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const uploadPart = createRoute({
  operationId: "uploadPart",
  method: "put",
  path: "/uploads/{id}/parts/{part_number}",
  ...guarded(own, rateLimit(writeRateLimit)),
  tags,
  summary: "Send a part of a resumable upload",
  description: `The part's bytes as the body, with \`Content-Length\` (411 without). Part *n* covers bytes \`(n-1)·part_size\` to \`n·part_size - 1\`: every part has exactly \`part_size\` bytes but the last, which has the rest (another length: 400; more than \`part_size\`: 413). Parts go straight to storage, in any order; sending a part number again replaces it, so a failed part is simply sent again. The answer carries the part's SHA-256. An upload that is not OPEN, or has expired, answers 409 \`upload-closed\`. ${ownership}`,
  request: {
    params: PartParams,
    body: { required: true, description: "The part's bytes.", content: { "application/octet-stream": binary } },
  },
  responses: {
    [Status.OK]: { ...jsonResponse(ReceivedPartResponse, "The part is stored."), headers: rateLimitHeaders },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...uploadConflict,
    ...lengthRequired,
    ...rateLimited,
  },
});

export const completeUpload = createRoute({
  operationId: "completeUpload",
  method: "post",
  path: "/uploads/{id}/complete",
  ...guarded(own, rateLimit(writeRateLimit)),
  tags,
  summary: "Complete a resumable upload",
  description: `Every part must be there with its size (409 \`upload-incomplete\` names the missing or wrong ones; send them and complete again). The parts are joined into the file, which is then read back once to compute its SHA-256 and check its first bytes: a \`sha256\` given at creation that differs answers 422 \`checksum-mismatch\`, bytes that are not the declared type 422 \`content-type-mismatch\` — either way nothing is kept and the upload is ABORTED. Otherwise the answer is the new READY file (201), and the upload is COMPLETED with its \`file_id\`. Completing a COMPLETED upload again (a retry whose answer was lost) answers the same file with 200, making nothing new. If storage fails after the parts were joined, the upload stays COMPLETING and completing it again finishes it. An aborted or expired upload answers 409 \`upload-closed\`. ${ownership}`,
  request: { params: IdParams },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(FileResponse, "The file is stored."),
      headers: { ETag: etagHeader("file's metadata"), Location: locationHeader("file"), ...rateLimitHeaders },
    },
    [Status.OK]: {
      ...jsonResponse(FileResponse, "The upload was completed before: its file, unchanged."),
      headers: { ETag: etagHeader("file's metadata"), Location: locationHeader("file"), ...rateLimitHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...uploadConflict,
    ...uploadRefused,
    ...rateLimited,
  },
});

export const abortUpload = createRoute({
  operationId: "abortUpload",
  method: "delete",
  path: "/uploads/{id}",
  ...guarded(own, rateLimit(writeRateLimit)),
  tags,
  summary: "Abort a resumable upload",
  description: `Drops the parts received and marks the upload ABORTED; aborting it again answers 204. A completed upload answers 409 \`upload-closed\` (delete its file instead). ${ownership}`,
  request: { params: IdParams },
  responses: {
    [Status.NO_CONTENT]: { description: "The upload is aborted.", headers: rateLimitHeaders },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...uploadConflict,
    ...rateLimited,
  },
});

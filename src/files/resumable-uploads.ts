import type { Context } from "hono";
import { principalOf } from "../auth/access";
import { reachableThread } from "../auth/thread-access";
import type { AppEnv } from "../env";
import type { Upload } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import { errorMessage } from "../logging";
import { actorOf } from "../principal";
import { repositories } from "../repositories";
import { newId } from "../repositories/d1";
import { DEFAULT_PART_BYTES, partsExpected, R2_MAX_PARTS } from "../wire/uploads";
import { safeFilename } from "./disposition";
import { declaredLength } from "./request-body";
import { streamWithLength } from "./store";

// Resumable uploads (POST /uploads): a large file sent in parts of a fixed size, in any order, straight to an R2
// multipart upload, then completed (./upload-completion.ts). Only their maker sees them.

/** What starts an upload, as the contract's CreateUploadRequest validates it. */
interface NewUpload {
  filename: string;
  content_type: string;
  total_bytes: number;
  part_size?: number;
  sha256?: string;
  thread_id?: string;
}

/** How long an upload stays open: long enough for a slow connection, short enough not to hoard parts. */
const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export const uploadNotFound = (id: string) => new ApiError("not-found", `No upload with id ${id}.`);

/** Part n's size: `partBytes`, but the last has the rest. */
export const sizeOfPart = (upload: Upload, partNumber: number) =>
  Math.min(upload.partBytes, upload.totalBytes - (partNumber - 1) * upload.partBytes);

/** The caller's own upload; anyone else's is a 404, like one that does not exist. */
export const ownUpload = async (c: Context<AppEnv>, id: string) => {
  const upload = await repositories(c).uploads.findOwned(id, actorOf(principalOf(c)));
  if (!upload) throw uploadNotFound(id);
  return upload;
};

export const closed = (upload: Upload, now: Date) => {
  const why: Record<Upload["status"], string> = {
    OPEN: `expired at ${upload.expiresAt.toISOString()}`,
    COMPLETING: "being completed",
    COMPLETED: `completed: it is file ${upload.fileId}`,
    ABORTED: "aborted",
  };
  if (upload.status === "OPEN" && upload.expiresAt > now) return null;
  // A completion in progress ends in a file (or a refusal): asking again shortly answers it.
  const next = upload.status === "COMPLETING" ? "complete it again in a moment" : "start a new one";
  return new ApiError("upload-closed", `Upload ${upload.id} is ${why[upload.status]}; ${next}.`);
};

export const assertOpen = (upload: Upload, now = new Date()) => {
  const problem = closed(upload, now);
  if (problem) throw problem;
};

/** Starts a resumable upload: its R2 multipart upload, then its row (the multipart upload is aborted if that fails). */
export const openUpload = async (c: Context<AppEnv>, body: NewUpload): Promise<Upload> => {
  const limit = Number(c.env.MAX_RESUMABLE_UPLOAD_BYTES);
  if (body.total_bytes > limit) {
    throw new ApiError("payload-too-large", `Resumable uploads may be at most ${limit} bytes.`);
  }
  const partBytes = body.part_size ?? DEFAULT_PART_BYTES;
  const parts = partsExpected({ totalBytes: body.total_bytes, partBytes });
  if (parts > R2_MAX_PARTS) {
    throw new ApiError("validation-error", `That would be ${parts} parts; at most ${R2_MAX_PARTS}.`, {
      errors: [
        {
          path: "body.part_size",
          message: `At least ${Math.ceil(body.total_bytes / R2_MAX_PARTS)} for this total_bytes`,
          code: "too_small",
        },
      ],
    });
  }
  if (body.thread_id !== undefined) await reachableThread(c, body.thread_id);
  const id = newId();
  const storageKey = `uploads/${id}`;
  const multipart = await c.env.FILES.createMultipartUpload(storageKey, {
    httpMetadata: { contentType: body.content_type },
  });
  try {
    return await repositories(c).uploads.create({
      id,
      owner: actorOf(principalOf(c)),
      threadId: body.thread_id ?? null,
      filename: safeFilename(body.filename),
      contentType: body.content_type,
      totalBytes: body.total_bytes,
      partBytes,
      sha256: body.sha256?.toLowerCase() ?? null,
      storageKey,
      r2UploadId: multipart.uploadId,
      expiresAt: new Date(Date.now() + UPLOAD_TTL_MS),
    });
  } catch (error) {
    await multipart.abort();
    throw error;
  }
};

/**
 * One part of an OPEN upload, of exactly its size, streamed to R2 as that part (a part sent again replaces it);
 * its record as answered, with the SHA-256 of the bytes received.
 */
export const receivePart = async (c: Context<AppEnv>, upload: Upload, partNumber: number) => {
  assertOpen(upload);
  const expectedParts = partsExpected(upload);
  if (partNumber > expectedParts) {
    throw new ApiError("validation-error", `This upload has ${expectedParts} parts.`, {
      errors: [{ path: "param.part_number", message: `At most ${expectedParts}`, code: "too_big" }],
    });
  }
  const length = declaredLength(c);
  if (length > upload.partBytes) {
    throw new ApiError("payload-too-large", `Parts of this upload have at most ${upload.partBytes} bytes.`);
  }
  const expected = sizeOfPart(upload, partNumber);
  if (length !== expected) {
    throw new ApiError("validation-error", `Part ${partNumber} has exactly ${expected} bytes, not ${length}.`, {
      errors: [{ path: "header.content-length", message: `Must be ${expected}`, code: "invalid_value" }],
    });
  }
  const body = c.req.raw.body;
  if (!body) throw new ApiError("length-required", "Send the part's bytes as the request body.");
  const multipart = c.env.FILES.resumeMultipartUpload(upload.storageKey, upload.r2UploadId);
  const stored = await streamWithLength(body, { length, contentType: "application/octet-stream" }, (readable) =>
    multipart.uploadPart(partNumber, readable),
  );
  const now = new Date();
  await repositories(c).uploads.savePart(upload.id, { partNumber, etag: stored.written.etag, sizeBytes: length }, now);
  return {
    upload_id: upload.id,
    part_number: partNumber,
    size_bytes: length,
    sha256: stored.sha256,
    created_at: now.toISOString(),
  };
};

/** Aborts the upload and drops its parts; aborting an aborted upload is fine (idempotent). */
export const abortUpload = async (c: Context<AppEnv>, upload: Upload): Promise<void> => {
  if (upload.status === "ABORTED") return;
  // Marked first, so no part or completion starts on it after the parts are dropped.
  if (!(await repositories(c).uploads.changeStatus(upload.id, ["OPEN"], "ABORTED"))) {
    const current = await ownUpload(c, upload.id);
    if (current.status === "ABORTED") return;
    throw closed(current, new Date()) ?? uploadNotFound(upload.id);
  }
  try {
    await c.env.FILES.resumeMultipartUpload(upload.storageKey, upload.r2UploadId).abort();
  } catch (error) {
    // The upload is ABORTED either way; R2 itself drops an unfinished multipart upload after a week.
    c.get("logger").error("aborting an R2 multipart upload failed", {
      upload_id: upload.id,
      error: errorMessage(error),
    });
  }
};

import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { actorOf } from "../../auth/principal";
import type { AppEnv } from "../../env";
import { safeFilename } from "../../files/disposition";
import { R2_MAX_PARTS } from "../../files/r2-multipart";
import { inspectBytes, streamWithLength } from "../../files/store";
import type { Upload, UploadPart } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { etagFor } from "../../http/etag";
import { Status } from "../../http/status";
import { requestPreview } from "../../previews/queue";
import { newId } from "../../repositories/d1";
import { getDb } from "../../repositories/db";
import { uploadsRepository } from "../../repositories/uploads.repository";
import { fileNotFound, filesOf } from "../files/file-access";
import { fileToWire } from "../files/file-wire";
import { declaredLength } from "../files/request-body";
import { reachableThread } from "../threads/thread-access";
import type { abortUpload, completeUpload, createUpload, getUpload, uploadPart } from "./uploads.routes";
import { DEFAULT_PART_BYTES, type UploadSchema } from "./uploads.schemas";

/** How long an upload stays open: long enough for a slow connection, short enough not to hoard parts. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

const uploadsOf = (c: Context<AppEnv>) => uploadsRepository(getDb(c.env.DB), c.env.DB);

const uploadNotFound = (id: string) => new ApiError("not-found", `No upload with id ${id}.`);

const partsExpected = (upload: Pick<Upload, "totalBytes" | "partBytes">) =>
  Math.ceil(upload.totalBytes / upload.partBytes);

/** Part n's size: `partBytes`, but the last has the rest. */
const sizeOfPart = (upload: Upload, partNumber: number) =>
  Math.min(upload.partBytes, upload.totalBytes - (partNumber - 1) * upload.partBytes);

const uploadToWire = (upload: Upload, parts: UploadPart[]): z.infer<typeof UploadSchema> => ({
  id: upload.id,
  filename: upload.filename,
  content_type: upload.contentType,
  total_bytes: upload.totalBytes,
  part_size: upload.partBytes,
  parts_expected: partsExpected(upload),
  parts: parts.map((part) => ({
    part_number: part.partNumber,
    size_bytes: part.sizeBytes,
    created_at: part.createdAt.toISOString(),
  })),
  bytes_received: parts.reduce((sum, part) => sum + part.sizeBytes, 0),
  sha256: upload.sha256,
  status: upload.status,
  thread_id: upload.threadId,
  file_id: upload.fileId,
  expires_at: upload.expiresAt.toISOString(),
  created_at: upload.createdAt.toISOString(),
  updated_at: upload.updatedAt.toISOString(),
});

/** The caller's own upload; anyone else's is a 404, like one that does not exist. */
const ownUpload = async (c: Context<AppEnv>, id: string) => {
  const upload = await uploadsOf(c).findOwned(id, actorOf(principalOf(c)));
  if (!upload) throw uploadNotFound(id);
  return upload;
};

const closed = (upload: Upload, now: Date) => {
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

const assertOpen = (upload: Upload, now = new Date()) => {
  const problem = closed(upload, now);
  if (problem) throw problem;
};

export const createUploadHandler: RouteHandler<typeof createUpload, AppEnv> = async (c) => {
  const body = c.req.valid("json");
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
  let upload: Upload;
  try {
    upload = await uploadsOf(c).create({
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
  c.header("Location", `/uploads/${id}`);
  return ok(c, uploadToWire(upload, []), Status.CREATED);
};

export const getUploadHandler: RouteHandler<typeof getUpload, AppEnv> = async (c) => {
  const upload = await ownUpload(c, c.req.valid("param").id);
  return ok(c, uploadToWire(upload, await uploadsOf(c).parts(upload.id)), Status.OK);
};

export const uploadPartHandler: RouteHandler<typeof uploadPart, AppEnv> = async (c) => {
  const { id, part_number: partNumber } = c.req.valid("param");
  const upload = await ownUpload(c, id);
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
  await uploadsOf(c).savePart(upload.id, { partNumber, etag: stored.written.etag, sizeBytes: length }, now);
  return ok(
    c,
    {
      upload_id: upload.id,
      part_number: partNumber,
      size_bytes: length,
      sha256: stored.sha256,
      created_at: now.toISOString(),
    },
    Status.OK,
  );
};

/** Why the parts received cannot make the file, or null when they can. */
const incompleteness = (upload: Upload, parts: UploadPart[]) => {
  const byNumber = new Map(parts.map((part) => [part.partNumber, part]));
  const missing: number[] = [];
  const wrong: string[] = [];
  for (let number = 1; number <= partsExpected(upload); number++) {
    const part = byNumber.get(number);
    if (!part) missing.push(number);
    else if (part.sizeBytes !== sizeOfPart(upload, number)) {
      wrong.push(`part ${number} has ${part.sizeBytes} bytes, not ${sizeOfPart(upload, number)}`);
    }
  }
  if (missing.length === 0 && wrong.length === 0) return null;
  const shown = (list: (string | number)[]) =>
    list.length > 20 ? `${list.slice(0, 20).join(", ")} and ${list.length - 20} more` : list.join(", ");
  const reasons = [
    ...(missing.length > 0 ? [`missing part${missing.length === 1 ? "" : "s"} ${shown(missing)}`] : []),
    ...(wrong.length > 0 ? [shown(wrong)] : []),
  ];
  return new ApiError("upload-incomplete", `Upload ${upload.id} cannot be completed: ${reasons.join("; ")}.`);
};

/** Reads the joined object back once: its size, SHA-256, and whether its first bytes are its declared type. */
const inspectStored = async (bucket: R2Bucket, upload: Upload) => {
  const object = await bucket.get(upload.storageKey);
  if (!object) throw new Error(`the completed upload ${upload.id} has no object`);
  const inspection = inspectBytes({ contentType: upload.contentType });
  const piped = await object.body
    .pipeThrough(inspection.stream)
    .pipeTo(new WritableStream())
    .then(
      () => null,
      (reason: unknown) => reason,
    );
  const refusal = inspection.refusal();
  if (refusal) throw refusal;
  if (piped !== null) throw piped;
  return inspection.result();
};

/**
 * Reads the joined bytes back and records the READY file. Bytes that are not what was promised cannot be joined
 * again: nothing is kept and the upload is ABORTED. Any other failure (R2 or D1 down) leaves the upload COMPLETING
 * with its joined bytes, for a completion sent again to finish. Answers the upload's file, and whether this call
 * made it (false: a concurrent completion recorded it first).
 */
const finishCompletion = async (c: Context<AppEnv>, upload: Upload) => {
  const uploads = uploadsOf(c);
  let stored: Awaited<ReturnType<typeof inspectStored>>;
  try {
    stored = await inspectStored(c.env.FILES, upload);
    if (upload.sha256 !== null && upload.sha256 !== stored.sha256) {
      throw new ApiError(
        "checksum-mismatch",
        `The parts join into bytes with sha-256 ${stored.sha256}, not the ${upload.sha256} given; nothing was kept and the upload is aborted.`,
      );
    }
  } catch (error) {
    if (error instanceof ApiError) {
      await c.env.FILES.delete(upload.storageKey);
      await uploads.changeStatus(upload.id, ["COMPLETING"], "ABORTED");
    }
    throw error;
  }
  const fileId = newId();
  if (await uploads.complete(upload, { id: fileId, ...stored }, new Date())) return { fileId, created: true };
  const current = await ownUpload(c, upload.id);
  if (current.status === "COMPLETED" && current.fileId) return { fileId: current.fileId, created: false };
  throw closed(current, new Date()) ?? uploadNotFound(upload.id);
};

/** Joins the parts of an OPEN upload in R2, for this request only; false when the upload was not OPEN. */
const joinParts = async (c: Context<AppEnv>, upload: Upload, now: Date) => {
  const uploads = uploadsOf(c);
  assertOpen(upload, now);
  const parts = await uploads.parts(upload.id);
  const problem = incompleteness(upload, parts);
  if (problem) throw problem;
  if (!(await uploads.claimCompletion(upload.id, now))) return false;
  const multipart = c.env.FILES.resumeMultipartUpload(upload.storageKey, upload.r2UploadId);
  try {
    await multipart.complete(parts.map((part) => ({ partNumber: part.partNumber, etag: part.etag })));
  } catch (error) {
    // The parts are still there: the client may complete again.
    await uploads.changeStatus(upload.id, ["COMPLETING"], "OPEN");
    throw error;
  }
  return true;
};

/** The upload's file: 201 when this call made it; 200 when it was made before (a retry whose answer was lost). */
const answerFile = async (c: Context<AppEnv>, fileId: string, created: boolean) => {
  const found = await filesOf(c).findById(fileId);
  if (!found) throw fileNotFound(fileId);
  // Asked once the file exists; again only if the call that made it failed before asking.
  const file = created || found.previewStatus === null ? await requestPreview(c.env, getDb(c.env.DB), found) : found;
  c.header("Location", `/files/${file.id}`);
  c.header("ETag", etagFor(file.updatedAt));
  return created ? ok(c, fileToWire(file), Status.CREATED) : ok(c, fileToWire(file), Status.OK);
};

export const completeUploadHandler: RouteHandler<typeof completeUpload, AppEnv> = async (c) => {
  const upload = await ownUpload(c, c.req.valid("param").id);
  const now = new Date();
  if (upload.status === "COMPLETED" && upload.fileId) return answerFile(c, upload.fileId, false);
  // COMPLETING with the joined object in R2: a completion failed after joining; this one finishes it.
  const joined = upload.status === "COMPLETING" && (await c.env.FILES.head(upload.storageKey)) !== null;
  if (!joined && !(await joinParts(c, upload, now))) {
    // Someone else completed, aborted or let it expire in between: say which, or answer their file.
    const current = await ownUpload(c, upload.id);
    if (current.status === "COMPLETED" && current.fileId) return answerFile(c, current.fileId, false);
    throw closed(current, now) ?? uploadNotFound(upload.id);
  }
  const { fileId, created } = await finishCompletion(c, upload);
  return answerFile(c, fileId, created);
};

export const abortUploadHandler: RouteHandler<typeof abortUpload, AppEnv> = async (c) => {
  const upload = await ownUpload(c, c.req.valid("param").id);
  if (upload.status === "ABORTED") return c.body(null, Status.NO_CONTENT);
  // Marked first, so no part or completion starts on it after the parts are dropped.
  if (!(await uploadsOf(c).changeStatus(upload.id, ["OPEN"], "ABORTED"))) {
    const current = await ownUpload(c, upload.id);
    if (current.status === "ABORTED") return c.body(null, Status.NO_CONTENT);
    throw closed(current, new Date()) ?? uploadNotFound(upload.id);
  }
  try {
    await c.env.FILES.resumeMultipartUpload(upload.storageKey, upload.r2UploadId).abort();
  } catch (error) {
    // The upload is ABORTED either way; R2 itself drops an unfinished multipart upload after a week.
    c.get("logger").error("aborting an R2 multipart upload failed", { upload_id: upload.id, error: String(error) });
  }
  return c.body(null, Status.NO_CONTENT);
};

import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { Upload, UploadPart } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import { newId } from "../repositories/d1";
import { partsExpected } from "../wire/uploads";
import { largeChunks } from "./large-chunks";
import { assertOpen, closed, ownUpload, sizeOfPart, uploadNotFound } from "./resumable-uploads";
import { ByteCheck, checked } from "./store";

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
  const check = new ByteCheck({ contentType: upload.contentType });
  for await (const _ of checked(largeChunks(object.body, { reuse: true }), check)) {
    // The bytes are only read: the check is the point.
  }
  return check.result();
};

/**
 * Reads the joined bytes back and records the READY file. Bytes that are not what was promised cannot be joined
 * again: nothing is kept and the upload is ABORTED. Any other failure (R2 or D1 down) leaves the upload COMPLETING
 * with its joined bytes, for a completion sent again to finish. Answers the upload's file, and whether this call
 * made it (false: a concurrent completion recorded it first).
 */
const finishCompletion = async (c: Context<AppEnv>, upload: Upload) => {
  const uploads = repositories(c).uploads;
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
  const uploads = repositories(c).uploads;
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

/**
 * Completes the upload: its parts joined in R2, read back to check its size, SHA-256 and declared type, and
 * recorded as a READY file. Completing again is safe: an upload already completed answers its file (`created`
 * false), and one whose completion failed after joining is finished by the next.
 */
export const completeUpload = async (
  c: Context<AppEnv>,
  upload: Upload,
): Promise<{ fileId: string; created: boolean }> => {
  const now = new Date();
  if (upload.status === "COMPLETED" && upload.fileId) return { fileId: upload.fileId, created: false };
  // COMPLETING with the joined object in R2: a completion failed after joining; this one finishes it.
  const joined = upload.status === "COMPLETING" && (await c.env.FILES.head(upload.storageKey)) !== null;
  if (!joined && !(await joinParts(c, upload, now))) {
    // Someone else completed, aborted or let it expire in between: say which, or answer their file.
    const current = await ownUpload(c, upload.id);
    if (current.status === "COMPLETED" && current.fileId) return { fileId: current.fileId, created: false };
    throw closed(current, now) ?? uploadNotFound(upload.id);
  }
  return finishCompletion(c, upload);
};

import type { Upload, UploadStatus } from "../generated/prisma/client";
import type { Actor } from "../principal";
import { sqlDate } from "./d1";
import type { Store } from "./db";

export interface NewUpload {
  id: string;
  owner: Actor;
  threadId: string | null;
  filename: string;
  contentType: string;
  totalBytes: number;
  partBytes: number;
  sha256: string | null;
  storageKey: string;
  r2UploadId: string;
  expiresAt: Date;
}

/** The READY file a completed upload becomes. */
export interface CompletedFile {
  id: string;
  sizeBytes: number;
  sha256: string;
}

const ownedBy = (actor: Actor) => (actor.type === "user" ? { userId: actor.id } : { apiKeyId: actor.id });

export const uploadsRepository = ({ db, d1 }: Store) => ({
  create: (upload: NewUpload) =>
    db.upload.create({
      data: {
        id: upload.id,
        ...ownedBy(upload.owner),
        threadId: upload.threadId,
        filename: upload.filename,
        contentType: upload.contentType,
        totalBytes: upload.totalBytes,
        partBytes: upload.partBytes,
        sha256: upload.sha256,
        storageKey: upload.storageKey,
        r2UploadId: upload.r2UploadId,
        expiresAt: upload.expiresAt,
      },
    }),

  /** The upload, when this user or API key made it (nobody else may see or use it). */
  findOwned: (id: string, owner: Actor) => db.upload.findFirst({ where: { id, ...ownedBy(owner) } }),

  parts: (uploadId: string) => db.uploadPart.findMany({ where: { uploadId }, orderBy: { partNumber: "asc" } }),

  /** A part R2 acknowledged; the same number again replaces it, in one statement (re-sends may race). */
  savePart: (uploadId: string, part: { partNumber: number; etag: string; sizeBytes: number }, now: Date) =>
    d1
      .prepare(
        `INSERT INTO upload_parts (upload_id, part_number, etag, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number)
         DO UPDATE SET etag = excluded.etag, size_bytes = excluded.size_bytes, created_at = excluded.created_at`,
      )
      .bind(uploadId, part.partNumber, part.etag, part.sizeBytes, sqlDate(now))
      .run(),

  /**
   * OPEN → COMPLETING, for one request only (a second concurrent completion finds it taken). The
   * expiry moves an hour on, so housekeeping leaves a long completion alone.
   */
  claimCompletion: async (id: string, now: Date) => {
    const result = await d1
      .prepare(
        `UPDATE uploads SET status = 'COMPLETING', expires_at = max(expires_at, ?), updated_at = ?
         WHERE id = ? AND status = 'OPEN' AND expires_at > ?`,
      )
      .bind(sqlDate(new Date(now.getTime() + 60 * 60 * 1000)), sqlDate(now), id, sqlDate(now))
      .run();
    return result.meta.changes === 1;
  },

  /** The READY file row and the upload COMPLETED with it, in one batch; false when the upload was no longer COMPLETING. */
  complete: async (upload: Upload, file: CompletedFile, now: Date) => {
    const at = sqlDate(now);
    const [inserted] = await d1.batch([
      d1
        .prepare(
          `INSERT INTO files (id, uploaded_by_id, api_key_id, thread_id, filename, content_type, size_bytes, sha256,
                              storage_key, status, created_at, updated_at)
           SELECT ?, user_id, api_key_id, thread_id, filename, content_type, ?, ?, storage_key, 'READY', ?, ?
           FROM uploads WHERE id = ? AND status = 'COMPLETING'`,
        )
        .bind(file.id, file.sizeBytes, file.sha256, at, at, upload.id),
      d1
        .prepare(
          `UPDATE uploads SET status = 'COMPLETED', file_id = ?, updated_at = ?
           WHERE id = ? AND status = 'COMPLETING' AND EXISTS (SELECT 1 FROM files WHERE id = ?)`,
        )
        .bind(file.id, at, upload.id, file.id),
    ]);
    return inserted?.meta.changes === 1;
  },

  /** Moves the upload from one of `from` to `to`; false when it was in none of them. */
  changeStatus: async (id: string, from: UploadStatus[], to: UploadStatus) =>
    (await db.upload.updateMany({ where: { id, status: { in: from } }, data: { status: to } })).count === 1,

  /** Uploads left OPEN (or stuck COMPLETING) past their expiry, oldest first. */
  abandoned: (now: Date, limit: number) =>
    db.upload.findMany({
      where: { status: { in: ["OPEN", "COMPLETING"] }, expiresAt: { lt: now } },
      orderBy: { expiresAt: "asc" },
      take: limit,
    }),
});

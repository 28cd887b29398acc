import { z } from "@hono/zod-openapi";
import type { Upload, UploadPart } from "../generated/prisma/client";
import { Id, Timestamp } from "../schemas/common";
import { Sha256 } from "./files";

/** R2's smallest part (every part of a multipart upload but the last has at least this many bytes). */
export const R2_MIN_PART_BYTES = 5 * 1024 * 1024;
/** R2's most parts in one multipart upload. */
export const R2_MAX_PARTS = 10_000;

/** Parts are 8 MiB unless the client chooses: R2's 5 MiB minimum up to 64 MiB (well inside a Worker's request limit). */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
export const MAX_PART_BYTES = 64 * 1024 * 1024;
/** R2's largest object; the configured limit (MAX_RESUMABLE_UPLOAD_BYTES) is what applies. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

const Bytes = (max: number) => z.int().min(0).max(max).openapi({ format: "int64" });

export const UploadStatusSchema = z.enum(["OPEN", "COMPLETING", "COMPLETED", "ABORTED"]).openapi("UploadStatus", {
  description:
    "OPEN while parts come in; COMPLETING while one request completes it; COMPLETED once it became a file (`file_id`); ABORTED when aborted, expired, or refused at completion (nothing kept).",
});

export const UploadPartSchema = z
  .object({
    part_number: z.int().min(1).max(R2_MAX_PARTS).openapi({ format: "int32", example: 1 }),
    size_bytes: Bytes(MAX_PART_BYTES).openapi({ example: DEFAULT_PART_BYTES }),
    created_at: Timestamp,
  })
  .openapi("UploadPart");

export const ReceivedPartSchema = z
  .object({
    upload_id: Id,
    part_number: z.int().min(1).max(R2_MAX_PARTS).openapi({ format: "int32", example: 1 }),
    size_bytes: Bytes(MAX_PART_BYTES).openapi({ example: DEFAULT_PART_BYTES }),
    sha256: Sha256.openapi({ description: "SHA-256 of this part as received, lowercase hex." }),
    created_at: Timestamp,
  })
  .openapi("ReceivedUploadPart");

export const UploadSchema = z
  .object({
    id: Id,
    filename: z.string().min(1).max(255).openapi({ example: "q3-recording.mp4", description: "Sanitised." }),
    content_type: z.string().max(255).openapi({ example: "video/mp4" }),
    total_bytes: Bytes(MAX_OBJECT_BYTES).openapi({ example: 20_000_000 }),
    part_size: Bytes(MAX_PART_BYTES).openapi({
      description: "Every part but the last has exactly this many bytes; the last has the rest.",
      example: DEFAULT_PART_BYTES,
    }),
    parts_expected: z.int().min(1).max(R2_MAX_PARTS).openapi({ format: "int32", example: 3 }),
    parts: z.array(UploadPartSchema).max(R2_MAX_PARTS).openapi({ description: "The parts received, by number." }),
    bytes_received: Bytes(MAX_OBJECT_BYTES).openapi({ example: DEFAULT_PART_BYTES }),
    sha256: Sha256.nullable().openapi({
      description: "The whole file's SHA-256, checked at completion, if you gave one.",
    }),
    status: UploadStatusSchema,
    thread_id: Id.nullable(),
    file_id: Id.nullable().openapi({ description: "The file it became, once COMPLETED." }),
    expires_at: Timestamp.openapi({ description: "Complete it before then, or it is aborted and its parts dropped." }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Upload");

export const uploadExample: z.input<typeof UploadSchema> = {
  id: "cmif7vj3k0000upload000001",
  filename: "q3-recording.mp4",
  content_type: "video/mp4",
  total_bytes: 20_000_000,
  part_size: DEFAULT_PART_BYTES,
  parts_expected: 3,
  parts: [{ part_number: 1, size_bytes: DEFAULT_PART_BYTES, created_at: "2026-11-25T10:01:00.000Z" }],
  bytes_received: DEFAULT_PART_BYTES,
  sha256: null,
  status: "OPEN",
  thread_id: null,
  file_id: null,
  expires_at: "2026-11-26T10:00:00.000Z",
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:01:00.000Z",
};

export const receivedPartExample: z.input<typeof ReceivedPartSchema> = {
  upload_id: "cmif7vj3k0000upload000001",
  part_number: 1,
  size_bytes: DEFAULT_PART_BYTES,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  created_at: "2026-11-25T10:01:00.000Z",
};

export const partsExpected = (upload: Pick<Upload, "totalBytes" | "partBytes">) =>
  Math.ceil(upload.totalBytes / upload.partBytes);

export const uploadToWire = (upload: Upload, parts: UploadPart[]): z.infer<typeof UploadSchema> => ({
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

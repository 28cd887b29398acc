import { z } from "@hono/zod-openapi";
import { R2_MAX_PARTS, R2_MIN_PART_BYTES } from "../../files/r2-multipart";
import { envelope, Id, Timestamp } from "../../schemas/common";
import { CONTENT_TYPE, Filename, Sha256 } from "../files/files.schemas";

/** Parts are 8 MiB unless the client chooses: R2's 5 MiB minimum up to 64 MiB (well inside a Worker's request limit). */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
export const MAX_PART_BYTES = 64 * 1024 * 1024;
/** R2's largest object; the configured limit (MAX_RESUMABLE_UPLOAD_BYTES) is what applies. */
const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

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

export const CreateUploadBody = z
  .strictObject({
    filename: Filename,
    content_type: z
      .string()
      .min(3)
      .max(255)
      .regex(CONTENT_TYPE, "A media type, e.g. video/mp4")
      .openapi({ description: "The file's media type; its first bytes are checked against it at completion." }),
    total_bytes: z
      .int()
      .min(1)
      .max(MAX_OBJECT_BYTES)
      .openapi({ format: "int64", description: "The file's exact size; at most MAX_RESUMABLE_UPLOAD_BYTES (413)." }),
    part_size: z
      .int()
      .min(R2_MIN_PART_BYTES)
      .max(MAX_PART_BYTES)
      .optional()
      .openapi({
        format: "int64",
        description: `Bytes per part, 5 MiB–64 MiB (default ${DEFAULT_PART_BYTES}); at most ${R2_MAX_PARTS} parts per upload.`,
      }),
    sha256: z
      .string()
      .length(64)
      .regex(/^[0-9a-fA-F]{64}$/, "64 hexadecimal digits")
      .optional()
      .openapi({ description: "The whole file's SHA-256 (hex): completion refuses other bytes (422)." }),
    thread_id: Id.optional().openapi({ description: "Upload into this thread (one you can reach)." }),
  })
  .openapi("CreateUploadRequest", {
    example: {
      filename: "q3-recording.mp4",
      content_type: "video/mp4",
      total_bytes: 20_000_000,
      sha256: "5d41402abc4b2a76b9719d911017c592ae0a1b1e3c2f3b1a7c1f0e2d3c4b5a69",
    },
  });

export const PartParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" } }),
  part_number: z.coerce
    .number()
    .int()
    .min(1)
    .max(R2_MAX_PARTS)
    .openapi({ param: { name: "part_number", in: "path" }, format: "int32", example: 1, description: "1-based." }),
});

const uploadExample: z.input<typeof UploadSchema> = {
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

export const UploadResponse = envelope(UploadSchema, "UploadResponse", uploadExample);
export const ReceivedPartResponse = envelope(ReceivedPartSchema, "ReceivedUploadPartResponse", {
  upload_id: "cmif7vj3k0000upload000001",
  part_number: 1,
  size_bytes: DEFAULT_PART_BYTES,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  created_at: "2026-11-25T10:01:00.000Z",
});

import { z } from "@hono/zod-openapi";
import { CONTENT_TYPE, envelope, Id } from "../../schemas/common";
import {
  DEFAULT_PART_BYTES,
  MAX_OBJECT_BYTES,
  MAX_PART_BYTES,
  R2_MAX_PARTS,
  R2_MIN_PART_BYTES,
  ReceivedPartSchema,
  receivedPartExample,
  UploadSchema,
  uploadExample,
} from "../../wire/uploads";
import { Filename } from "../files/files.schemas";

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

export const UploadResponse = envelope(UploadSchema, "UploadResponse", uploadExample);
export const ReceivedPartResponse = envelope(ReceivedPartSchema, "ReceivedUploadPartResponse", receivedPartExample);

import { z } from "@hono/zod-openapi";
import type { File } from "../generated/prisma/client";
import { ActorSchema } from "../schemas/actor";
import { Id, Timestamp } from "../schemas/common";

export const FileStatusSchema = z.enum(["PENDING", "READY", "FAILED", "DELETED"]).openapi("FileStatus", {
  description:
    "PENDING while its bytes stream in; READY once stored (only then can it be downloaded or attached); FAILED when an upload broke off; DELETED once removed (its bytes are gone).",
});

export const Sha256 = z
  .string()
  .length(64)
  .regex(/^[0-9a-f]{64}$/)
  .openapi({
    description: "SHA-256 of the bytes, lowercase hex.",
    example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  });

export const PreviewStatusSchema = z.enum(["PENDING", "READY", "UNSUPPORTED", "FAILED"]).openapi("PreviewStatus", {
  description:
    "Of the file's preview: PENDING while it is made, READY, UNSUPPORTED (no preview for this type) or FAILED; null before one is asked for (or when previews are not configured).",
});

export const FileSchema = z
  .object({
    id: Id,
    filename: z
      .string()
      .min(1)
      .max(255)
      .openapi({ example: "q3-churn.pdf", description: "Sanitised: no directories or control characters." }),
    content_type: z.string().max(255).openapi({ example: "application/pdf" }),
    size_bytes: z.int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: "int64", example: 48213 }),
    sha256: Sha256.nullable().openapi({ description: "Null until the upload completes." }),
    status: FileStatusSchema,
    thread_id: Id.nullable().openapi({
      description: "The thread it was uploaded into, if any (deleting the thread deletes it).",
    }),
    uploaded_by: ActorSchema.nullable().openapi({ description: "Who uploaded it; null once that user was deleted." }),
    preview_status: PreviewStatusSchema.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("File");

export const DispositionSchema = z.enum(["inline", "attachment"]).openapi("Disposition", {
  description:
    "`attachment` (default): a download. `inline`: shown in place — only for passive types (PNG, JPEG, GIF, WebP, AVIF, PDF, plain text, audio, video); anything else (HTML, SVG, XML, JavaScript, …) is always an attachment.",
});

export const DownloadLinkSchema = z
  .object({
    url: z
      .url()
      .max(2048)
      .openapi({ description: "Works without credentials until `expires_at`; treat it as a secret." }),
    expires_at: Timestamp,
    disposition: DispositionSchema,
  })
  .openapi("DownloadLink");

export const fileExample: z.input<typeof FileSchema> = {
  id: "cmif7vj3k0000file00000001",
  filename: "q3-churn.pdf",
  content_type: "application/pdf",
  size_bytes: 48213,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  status: "READY",
  thread_id: null,
  uploaded_by: { type: "user", id: "cmif7vj3k0000abcd12345678" },
  preview_status: "READY",
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

export const downloadLinkExample: z.input<typeof DownloadLinkSchema> = {
  url: "https://api.experience-layer.dev/files/cmif7vj3k0000file00000001/download?exp=1764064800&disposition=inline&kid=2026-11&sig=3q2-7w",
  expires_at: "2026-11-25T10:05:00.000Z",
  disposition: "inline",
};

const uploaderOf = (file: File) => {
  if (file.uploadedById) return { type: "user" as const, id: file.uploadedById };
  if (file.apiKeyId) return { type: "api_key" as const, id: file.apiKeyId };
  return null;
};

export const fileToWire = (file: File): z.infer<typeof FileSchema> => ({
  id: file.id,
  filename: file.filename,
  content_type: file.contentType,
  size_bytes: file.sizeBytes,
  sha256: file.sha256,
  status: file.status,
  thread_id: file.threadId,
  uploaded_by: uploaderOf(file),
  preview_status: file.previewStatus,
  created_at: file.createdAt.toISOString(),
  updated_at: file.updatedAt.toISOString(),
});

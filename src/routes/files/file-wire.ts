import type { z } from "@hono/zod-openapi";
import type { File } from "../../generated/prisma/client";
import type { FileSchema } from "./files.schemas";

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

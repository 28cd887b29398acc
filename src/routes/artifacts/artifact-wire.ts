import type { z } from "@hono/zod-openapi";
import type { ArtifactVersion } from "../../generated/prisma/client";
import type { ArtifactRow } from "../../repositories/artifacts.repository";
import type { ArtifactSchema, ArtifactVersionSchema } from "./artifacts.schemas";

type ArtifactWire = z.infer<typeof ArtifactSchema>;
type VersionWire = z.infer<typeof ArtifactVersionSchema>;

// Content is stored only after validation against its type's schema, so the casts below hold.
export const artifactToWire = (artifact: ArtifactRow): ArtifactWire =>
  ({
    id: artifact.id,
    thread_id: artifact.threadId,
    message_id: artifact.messageId,
    type: artifact.type,
    title: artifact.title,
    summary: artifact.summary,
    content: artifact.content,
    metadata: (artifact.metadata ?? {}) as Record<string, string>,
    version: artifact.version,
    attachments: artifact.files.map((file) => ({
      id: file.id,
      filename: file.filename,
      content_type: file.contentType,
      size_bytes: file.sizeBytes,
    })),
    created_by: artifact.creator,
    created_at: artifact.createdAt.toISOString(),
    updated_at: artifact.updatedAt.toISOString(),
  }) as ArtifactWire;

export const versionToWire = (version: ArtifactVersion, type: ArtifactRow["type"]): VersionWire => ({
  artifact_id: version.artifactId,
  version: version.version,
  type,
  title: version.title,
  summary: version.summary,
  content: version.content as VersionWire["content"],
  metadata: (version.metadata ?? {}) as Record<string, string>,
  file_ids: (version.fileIds ?? []) as string[],
  created_by: version.createdById
    ? { type: "user", id: version.createdById }
    : version.apiKeyId
      ? { type: "api_key", id: version.apiKeyId }
      : null,
  created_at: version.createdAt.toISOString(),
});

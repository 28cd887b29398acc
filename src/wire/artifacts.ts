import { z } from "@hono/zod-openapi";
import type { ArtifactType, ArtifactVersion, Prisma } from "../generated/prisma/client";
import type { Actor } from "../principal";
import { ActorSchema } from "../schemas/actor";
import { Counter, Id, Timestamp } from "../schemas/common";
import { MetadataMap } from "../schemas/metadata";
import {
  ChartContentSchema,
  CONTENT_BY_TYPE,
  DashboardContentSchema,
  DocumentContentSchema,
  InsightContentSchema,
  ReportContentSchema,
  TableContentSchema,
} from "./artifact-content";
import { type AttachedFile, MESSAGE_LIMITS } from "./messages";

export const ArtifactTypeSchema = z
  .enum(["INSIGHT", "REPORT", "DASHBOARD", "TABLE", "CHART", "DOCUMENT"])
  .openapi("ArtifactType", {
    description:
      "INSIGHT: a claim with evidence and confidence; REPORT: Markdown sections; DASHBOARD: widgets with data series; TABLE: columns and rows; CHART: one chart's series; DOCUMENT: a Markdown or text document.",
  });

export const Title = z.string().trim().min(1).max(256);
export const Summary = z.string().max(2000);
const AttachmentSchema = z.object({
  id: Id,
  filename: z.string().max(255),
  content_type: z.string().max(255),
  size_bytes: z.int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: "int64" }),
});

const common = {
  id: Id,
  thread_id: Id,
  message_id: Id.nullable().openapi({ description: "The message it came from, if any." }),
  title: Title,
  summary: Summary.nullable(),
  metadata: MetadataMap,
  version: Counter.openapi({ description: "The current version (1 when created); the ETag is this number." }),
  attachments: z.array(AttachmentSchema).max(MESSAGE_LIMITS.maxAttachments),
  created_by: ActorSchema.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** One artifact schema per type, so `content` is typed by `type`. */
const artifactOf = <T extends keyof typeof CONTENT_BY_TYPE>(type: T, name: string) =>
  z.object({ ...common, type: z.literal(type), content: CONTENT_BY_TYPE[type] }).openapi(name);

export const ArtifactSchema = z
  .discriminatedUnion("type", [
    artifactOf("INSIGHT", "InsightArtifact"),
    artifactOf("REPORT", "ReportArtifact"),
    artifactOf("DASHBOARD", "DashboardArtifact"),
    artifactOf("TABLE", "TableArtifact"),
    artifactOf("CHART", "ChartArtifact"),
    artifactOf("DOCUMENT", "DocumentArtifact"),
  ])
  .openapi("Artifact");

export const ArtifactVersionSchema = z
  .object({
    artifact_id: Id,
    version: Counter,
    type: ArtifactTypeSchema,
    title: Title,
    summary: Summary.nullable(),
    content: z
      .union([
        InsightContentSchema,
        ReportContentSchema,
        DashboardContentSchema,
        TableContentSchema,
        ChartContentSchema,
        DocumentContentSchema,
      ])
      .openapi({ description: "Of the artifact's `type`." }),
    metadata: MetadataMap,
    file_ids: z.array(Id).max(MESSAGE_LIMITS.maxAttachments),
    created_by: ActorSchema.nullable().openapi({ description: "Who made this version." }),
    created_at: Timestamp,
  })
  .openapi("ArtifactVersion");

export const artifactExample: z.input<typeof ArtifactSchema> = {
  id: "cmif7vj3k0000art000000001",
  thread_id: "cmif7vj3k0000thr000000001",
  message_id: null,
  type: "INSIGHT",
  title: "Churn is down",
  summary: "Q3 churn fell to 3.2%.",
  content: { claim: "Churn fell from 4.1% to 3.2%.", confidence: 0.8, evidence: [] },
  metadata: {},
  version: 1,
  attachments: [],
  created_by: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

export const versionExample: z.input<typeof ArtifactVersionSchema> = {
  artifact_id: "cmif7vj3k0000art000000001",
  version: 1,
  type: "INSIGHT",
  title: "Churn is down",
  summary: "Q3 churn fell to 3.2%.",
  content: { claim: "Churn fell from 4.1% to 3.2%.", confidence: 0.8, evidence: [] },
  metadata: {},
  file_ids: [],
  created_by: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
  created_at: "2026-11-25T10:00:00.000Z",
};

/** A whole state of an artifact: what a version stores, and what the artifact currently is. */
export interface ArtifactState {
  title: string;
  summary: string | null;
  metadata: Prisma.JsonObject | null;
  content: Prisma.JsonObject;
  fileIds: string[];
}

/** An artifact as reads return it: its row, its current state, and that state's files. */
export interface ArtifactRow extends ArtifactState {
  id: string;
  threadId: string;
  messageId: string | null;
  type: ArtifactType;
  version: number;
  creator: Actor | null;
  createdAt: Date;
  updatedAt: Date;
  files: AttachedFile[];
}

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

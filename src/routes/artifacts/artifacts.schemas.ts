import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../../schemas/actor";
import { Counter, envelope, Id, PageQuery, pageEnvelope, Timestamp } from "../../schemas/common";
import { MetadataMap } from "../../schemas/metadata";
import { MESSAGE_LIMITS } from "../messages/messages.schemas";
import {
  ChartContentSchema,
  CONTENT_BY_TYPE,
  DashboardContentSchema,
  DocumentContentSchema,
  InsightContentSchema,
  ReportContentSchema,
  TableContentSchema,
} from "./artifact-content";

export const ArtifactTypeSchema = z
  .enum(["INSIGHT", "REPORT", "DASHBOARD", "TABLE", "CHART", "DOCUMENT"])
  .openapi("ArtifactType", {
    description:
      "INSIGHT: a claim with evidence and confidence; REPORT: Markdown sections; DASHBOARD: widgets with data series; TABLE: columns and rows; CHART: one chart's series; DOCUMENT: a Markdown or text document.",
  });

const Title = z.string().trim().min(1).max(256);
const Summary = z.string().max(2000);
const FileIds = z
  .array(Id)
  .max(MESSAGE_LIMITS.maxAttachments)
  .refine((ids) => new Set(ids).size === ids.length, "Each file may be attached once")
  .openapi({ uniqueItems: true, description: `Up to ${MESSAGE_LIMITS.maxAttachments} files, attached in this order.` });

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

const createFields = {
  title: Title,
  summary: Summary.optional(),
  metadata: MetadataMap.optional(),
  message_id: Id.optional().openapi({ description: "A message of this thread the artifact comes from." }),
  file_ids: FileIds.optional(),
};

const createOf = <T extends string, C extends z.ZodType>(type: T, content: C, name: string) =>
  z.strictObject({ type: z.literal(type), content, ...createFields }).openapi(name);

export const CreateArtifactBody = z
  .discriminatedUnion("type", [
    createOf("INSIGHT", InsightContentSchema, "CreateInsightArtifact"),
    createOf("REPORT", ReportContentSchema, "CreateReportArtifact"),
    createOf("DASHBOARD", DashboardContentSchema, "CreateDashboardArtifact"),
    createOf("TABLE", TableContentSchema, "CreateTableArtifact"),
    createOf("CHART", ChartContentSchema, "CreateChartArtifact"),
    createOf("DOCUMENT", DocumentContentSchema, "CreateDocumentArtifact"),
  ])
  .openapi("CreateArtifactRequest", {
    example: {
      type: "INSIGHT",
      title: "Churn is down",
      summary: "Q3 churn fell to 3.2%.",
      content: { claim: "Churn fell from 4.1% to 3.2%.", confidence: 0.8, evidence: [] },
    },
  });

const CONTENT_REFS = [
  "InsightContent",
  "ReportContent",
  "DashboardContent",
  "TableContent",
  "ChartContent",
  "DocumentContent",
].map((name) => ({ $ref: `#/components/schemas/${name}` }));

export const UpdateArtifactBody = z
  .strictObject({
    title: Title.optional(),
    summary: Summary.nullable().optional(),
    metadata: MetadataMap.nullable().optional(),
    // Checked by the handler against the artifact's own type, so errors name the exact field.
    content: z.record(z.string().max(64), z.unknown()).optional().openapi({
      description: "The whole new content, of the artifact's type.",
      anyOf: CONTENT_REFS,
    }),
    file_ids: FileIds.optional().openapi({ description: "The files attached from now on (replaces the list)." }),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdateArtifactRequest", { example: { summary: "Q3 churn fell to 3.1% (corrected)." } });

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

export const ListArtifactsQuery = PageQuery.extend({
  type: ArtifactTypeSchema.optional().openapi({ param: { name: "type", in: "query" }, description: "Only this type." }),
});

/** Versions page by number: the cursor is the last version listed. */
export const ListVersionsQuery = z.object({
  limit: PageQuery.shape.limit,
  cursor: z
    .string()
    .max(16)
    .regex(/^[1-9][0-9]{0,9}$/, "Not a cursor returned by this API")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page." }),
});

export const ArtifactParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "The thread's id." }),
  artifact_id: Id.openapi({ param: { name: "artifact_id", in: "path" } }),
});

export const VersionParams = ArtifactParams.extend({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .openapi({ param: { name: "version", in: "path" }, format: "int32", example: 1 }),
});

const artifactExample: z.input<typeof ArtifactSchema> = {
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

const versionExample: z.input<typeof ArtifactVersionSchema> = {
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

export const ArtifactResponse = envelope(ArtifactSchema, "ArtifactResponse", artifactExample);
export const ArtifactPage = pageEnvelope(ArtifactSchema, "ArtifactPage", artifactExample);
export const ArtifactVersionResponse = envelope(ArtifactVersionSchema, "ArtifactVersionResponse", versionExample);
export const ArtifactVersionPage = pageEnvelope(ArtifactVersionSchema, "ArtifactVersionPage", versionExample);

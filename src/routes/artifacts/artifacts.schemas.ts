import { z } from "@hono/zod-openapi";
import { envelope, Id, PageQuery, pageEnvelope } from "../../schemas/common";
import { MetadataMap } from "../../schemas/metadata";
import {
  ChartContentSchema,
  DashboardContentSchema,
  DocumentContentSchema,
  InsightContentSchema,
  ReportContentSchema,
  TableContentSchema,
} from "../../wire/artifact-content";
import {
  ArtifactSchema,
  ArtifactTypeSchema,
  ArtifactVersionSchema,
  artifactExample,
  Summary,
  Title,
  versionExample,
} from "../../wire/artifacts";
import { MESSAGE_LIMITS } from "../../wire/messages";

const FileIds = z
  .array(Id)
  .max(MESSAGE_LIMITS.maxAttachments)
  .refine((ids) => new Set(ids).size === ids.length, "Each file may be attached once")
  .openapi({ uniqueItems: true, description: `Up to ${MESSAGE_LIMITS.maxAttachments} files, attached in this order.` });

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

export const ArtifactResponse = envelope(ArtifactSchema, "ArtifactResponse", artifactExample);
export const ArtifactPage = pageEnvelope(ArtifactSchema, "ArtifactPage", artifactExample);
export const ArtifactVersionResponse = envelope(ArtifactVersionSchema, "ArtifactVersionResponse", versionExample);
export const ArtifactVersionPage = pageEnvelope(ArtifactVersionSchema, "ArtifactVersionPage", versionExample);

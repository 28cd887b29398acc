import { z } from "@hono/zod-openapi";
import { Timestamp } from "../schemas/common";
import { ArtifactSchema, ArtifactVersionSchema, artifactExample, versionExample } from "./artifacts";
import { InteractionSchema, interactionExample } from "./interactions";
import { ThreadMemorySchema, threadMemoryExample } from "./memory";
import { MessageSchema, messageExample } from "./messages";
import { ThreadSchema, threadExample } from "./threads";

// A whole thread in one document, made of the very objects the REST reads answer: nothing here is new but the frame.

/** Every message, artifact, version and interaction has a seq (or version) of 32 bits: none can have more. */
const MAX_ITEMS = 2_147_483_647;

export const ExportedArtifactSchema = z
  .object({
    artifact: ArtifactSchema,
    versions: z.array(ArtifactVersionSchema).max(MAX_ITEMS).openapi({
      description: "Every version, newest first, as GET …/artifacts/{artifact_id}/versions lists them.",
    }),
  })
  .openapi("ExportedArtifact", {
    description: "An artifact as GET /threads/{id}/artifacts/{artifact_id} answers it, with all its versions.",
  });

const ThreadExportObject = z.object({
  exported_at: Timestamp.openapi({ description: "When the export started reading." }),
  thread: ThreadSchema,
  memory: ThreadMemorySchema,
  messages: z.array(MessageSchema).max(MAX_ITEMS).openapi({
    description:
      "Every message, replies and tombstones included, by `seq` (the order they were stored in), up to the thread's `last_event_seq`, as GET /threads/{id}/messages lists them (reactions with your `me`).",
  }),
  artifacts: z.array(ExportedArtifactSchema).max(MAX_ITEMS).openapi({
    description: "Newest first, as GET /threads/{id}/artifacts lists them, each with all its versions.",
  }),
  interactions: z.array(InteractionSchema).max(MAX_ITEMS).openapi({
    description: "Newest first, as GET /threads/{id}/interactions lists them.",
  }),
});

/** The example of the spec (GET /threads/{id}/export's JSON and, rendered, its Markdown). */
export const threadExportExample: z.input<typeof ThreadExportObject> = {
  exported_at: "2026-12-05T09:00:00.000Z",
  thread: { ...threadExample, message_count: 2, last_event_seq: 3, memory_version: threadMemoryExample.version },
  memory: threadMemoryExample,
  messages: [
    messageExample,
    {
      ...messageExample,
      id: "cmif7vj3k0000msg000000002",
      seq: 3,
      parent_id: messageExample.id,
      role: "USER",
      author: { type: "user", id: "cmif7vj3k0000abcd12345678" },
      text: "Great. Which segment moved most?",
      blocks: [],
      metadata: {},
      attachments: [
        { id: "cmif7vj3k0000file00000001", filename: "q3-churn.csv", content_type: "text/csv", size_bytes: 48213 },
      ],
      reactions: [],
      created_at: "2026-11-25T10:05:00.000Z",
      updated_at: "2026-11-25T10:05:00.000Z",
    },
  ],
  artifacts: [{ artifact: artifactExample, versions: [versionExample] }],
  interactions: [interactionExample],
};

export const ThreadExportSchema = ThreadExportObject.openapi("ThreadExport", {
  description:
    "A whole thread (GET /threads/{id}/export): `thread` as GET /threads/{id} answers it (your read state included), `memory` as GET /threads/{id}/memory does, then every message, artifact and interaction as their lists give them.",
  example: threadExportExample,
});

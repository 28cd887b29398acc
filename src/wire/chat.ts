import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../schemas/actor";
import { Blocks } from "../schemas/blocks";
import { Counter, Id, Timestamp } from "../schemas/common";
import { ActivityChangeSchema } from "./activity";
import { ArtifactSchema } from "./artifacts";
import { IncompleteReasonSchema, MESSAGE_LIMITS, MessageStateSchema } from "./messages";

// The chat front-end protocols' objects (the AI SDK's `useChat`): what src/chat sends, as the contract shows it.

export const ChatMessageMetadataSchema = z
  .union([
    z
      .object({
        thread_id: Id,
        message_id: Id,
        seq: Counter,
        state: MessageStateSchema,
        incomplete_reason: IncompleteReasonSchema.nullable(),
        author: ActorSchema.nullable(),
        created_at: Timestamp,
        deleted: z.boolean(),
      })
      .openapi("ChatReplyMetadata", {
        description:
          "The message behind a chat message: its id and place in the thread, and how a reply ended (`state`, `incomplete_reason`: STOPPED when someone pressed stop).",
      }),
    z
      .object({
        reply: z.literal("none"),
        waited_seconds: z.int().min(0).max(3600).openapi({ format: "int32" }),
      })
      .openapi("ChatNoReplyMetadata", {
        description: "No agent started a reply within `CHAT_REPLY_WAIT_SECONDS`; your message is stored all the same.",
      }),
  ])
  .openapi("ChatMessageMetadata", { description: "A chat message's `metadata`." });

const textChunk = (type: "text-start" | "text-end") => z.object({ type: z.literal(type), id: z.string().max(80) });

export const UiMessageChunkSchema = z
  .union([
    z
      .object({
        type: z.literal("start"),
        messageId: Id.openapi({ description: "The reply's message id in the thread." }),
        messageMetadata: ChatMessageMetadataSchema,
      })
      .openapi("UiStartChunk"),
    textChunk("text-start").openapi("UiTextStartChunk"),
    z
      .object({
        type: z.literal("text-delta"),
        id: z.string().max(80),
        delta: z.string().max(MESSAGE_LIMITS.maxTextLength),
      })
      .openapi("UiTextDeltaChunk"),
    textChunk("text-end").openapi("UiTextEndChunk"),
    z
      .object({ type: z.literal("data-activity"), data: ActivityChangeSchema, transient: z.literal(true) })
      .openapi("UiActivityChunk", { description: 'Someone\'s status ("thinking…"): not kept in the message.' }),
    z.object({ type: z.literal("data-artifact"), id: Id, data: ArtifactSchema }).openapi("UiArtifactChunk", {
      description:
        "An artifact published or changed during the reply: one part per artifact id, replaced as it changes.",
    }),
    z
      .object({ type: z.literal("data-blocks"), id: z.string().max(80), data: Blocks })
      .openapi("UiBlocksChunk", { description: "The reply's Block Kit blocks, when it has any." }),
    z
      .object({ type: z.literal("file"), url: z.url().max(2048), mediaType: z.string().max(255) })
      .openapi("UiFileChunk", {
        description:
          "A file attached to the reply: a signed link valid for an hour, or the file's content URL (`GET /files/{id}/content`, with your credentials) where download links are not configured.",
      }),
    z
      .object({ type: z.literal("message-metadata"), messageMetadata: ChatMessageMetadataSchema })
      .openapi("UiMessageMetadataChunk"),
    z
      .object({
        type: z.literal("finish"),
        finishReason: z.enum(["stop", "interrupted", "other"]).openapi({
          description:
            '`stop`: the reply was completed; `interrupted`: it timed out (INCOMPLETE, TIMED_OUT); `other`: it was deleted, or no agent replied (`reply: "none"`).',
        }),
        messageMetadata: ChatMessageMetadataSchema,
      })
      .openapi("UiFinishChunk"),
    z
      .object({ type: z.literal("abort"), reason: z.literal("stopped") })
      .openapi("UiAbortChunk", { description: "Someone stopped the reply (POST …/stop)." }),
    z
      .object({ type: z.literal("error"), errorText: z.string().max(500) })
      .openapi("UiErrorChunk", { description: "The thread's stream could not go on: reconnect to resume." }),
  ])
  .openapi("UiMessageChunk", {
    description:
      "One chunk of the AI SDK's UI message stream (protocol `v1`, header `x-vercel-ai-ui-message-stream: v1`): on the wire each is a server-sent event `data: {…}`, and the stream ends with `data: [DONE]`; a `: heartbeat` comment comes every 15 s while nothing else does.",
  });

export type UiMessageChunk = z.infer<typeof UiMessageChunkSchema>;
export type ChatMessageMetadata = z.infer<typeof ChatMessageMetadataSchema>;

export const UiMessagePartSchema = z
  .union([
    z
      .object({
        type: z.literal("text"),
        text: z.string().max(MESSAGE_LIMITS.maxTextLength),
        state: z.enum(["streaming", "done"]),
      })
      .openapi("UiTextPart"),
    z.object({ type: z.literal("data-blocks"), id: z.string().max(80), data: Blocks }).openapi("UiBlocksPart"),
    z
      .object({
        type: z.literal("file"),
        url: z.url().max(2048),
        mediaType: z.string().max(255),
        filename: z.string().max(255),
      })
      .openapi("UiFilePart"),
  ])
  .openapi("UiMessagePart");

export const UiMessageSchema = z
  .object({
    id: Id,
    role: z.enum(["user", "assistant", "system"]).openapi({
      description: "USER messages are `user`, SYSTEM `system`, ASSISTANT and TOOL `assistant`.",
    }),
    parts: z.array(UiMessagePartSchema).max(12),
    metadata: ChatMessageMetadataSchema,
  })
  .openapi("UiMessage", {
    description:
      "A message of the thread as the AI SDK's `UIMessage` (for `useChat({ messages })`): the plain text as a text part, Block Kit blocks as a `data-blocks` part, attachments as `file` parts.",
  });

export type UiMessage = z.infer<typeof UiMessageSchema>;

// AG-UI (`@ag-ui/core` 1.0): the events POST /ag-ui sends, as the contract shows them.

const agUiMessage = z
  .object({
    id: Id,
    role: z.enum(["user", "assistant", "system"]),
    content: z.string().max(MESSAGE_LIMITS.maxTextLength),
  })
  .openapi("AgUiMessage", { description: "A message of the thread as AG-UI's `Message` (its plain text)." });

export const AgUiEventSchema = z
  .union([
    z.object({ type: z.literal("RUN_STARTED"), threadId: Id, runId: z.string().max(200) }).openapi("AgUiRunStarted"),
    z
      .object({ type: z.literal("MESSAGES_SNAPSHOT"), messages: z.array(agUiMessage).max(100) })
      .openapi("AgUiMessagesSnapshot", {
        description:
          "The thread's newest messages (up to 50, oldest first), your new one included: what a client hydrates from.",
      }),
    z
      .object({ type: z.literal("TEXT_MESSAGE_START"), messageId: Id, role: z.literal("assistant") })
      .openapi("AgUiTextMessageStart"),
    z
      .object({
        type: z.literal("TEXT_MESSAGE_CONTENT"),
        messageId: Id,
        delta: z.string().min(1).max(MESSAGE_LIMITS.maxTextLength),
      })
      .openapi("AgUiTextMessageContent"),
    z.object({ type: z.literal("TEXT_MESSAGE_END"), messageId: Id }).openapi("AgUiTextMessageEnd"),
    z
      .object({
        type: z.literal("ACTIVITY_SNAPSHOT"),
        messageId: z.string().max(100),
        activityType: z.literal("status"),
        content: ActivityChangeSchema,
        replace: z.literal(true),
      })
      .openapi("AgUiActivitySnapshot", {
        description: 'Someone\'s status ("thinking…"), one activity per actor (`messageId` = `status-<actor id>`).',
      }),
    z
      .object({ type: z.literal("CUSTOM"), name: z.literal("artifact"), value: ArtifactSchema })
      .openapi("AgUiArtifact", { description: "An artifact published or changed during the run." }),
    z
      .object({
        type: z.literal("RUN_FINISHED"),
        threadId: Id,
        runId: z.string().max(200),
        outcome: z.object({ type: z.enum(["success", "cancelled"]) }).openapi({
          description: "`cancelled` when someone stopped the reply (POST …/stop).",
        }),
        result: ChatMessageMetadataSchema,
      })
      .openapi("AgUiRunFinished"),
    z
      .object({ type: z.literal("RUN_ERROR"), message: z.string().max(500) })
      .openapi("AgUiRunError", { description: "The thread's stream could not go on: run again to resume." }),
  ])
  .openapi("AgUiEvent", {
    description:
      "One AG-UI event: on the wire a server-sent event `data: {…}` (AG-UI's SSE encoding); `: heartbeat` comments every 15 s while nothing else comes.",
  });

export type AgUiEvent = z.infer<typeof AgUiEventSchema>;
export type AgUiMessage = z.infer<typeof agUiMessage>;

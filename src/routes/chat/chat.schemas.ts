import { z } from "@hono/zod-openapi";
import { Id, MAX_PAGE_SIZE, pageEnvelope } from "../../schemas/common";
import { type UiMessage, UiMessageSchema } from "../../wire/chat";
import { MESSAGE_LIMITS } from "../../wire/messages";

/** A part of a message the AI SDK sends: text parts are read; others are accepted and left out. */
const ChatRequestPart = z.looseObject({
  type: z.string().min(1).max(100),
  text: z.string().max(MESSAGE_LIMITS.maxTextLength).optional(),
});

const ChatRequestMessage = z.looseObject({
  id: z.string().min(1).max(200),
  role: z.enum(["system", "user", "assistant"]),
  parts: z.array(ChatRequestPart).max(100),
});

export const ChatRequestBody = z
  .looseObject({
    id: Id.openapi({ description: "The chat's id, which is the thread's id (`useChat({ id })`)." }),
    messages: z.array(ChatRequestMessage).min(1).max(1000).openapi({
      description:
        "The chat's messages; only the last is read (send only it with `prepareSendMessagesRequest`). It must be a `user` message with text.",
    }),
    trigger: z.enum(["submit-message", "regenerate-message"]).openapi({
      description:
        "`submit-message`: a new message (`sendMessage`). `regenerate-message` (`regenerate()`): a new reply to the last message — a user's message that this chat sent or its history listed, among the thread's 50 newest; the previous reply stays in the thread.",
    }),
    messageId: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "The message being regenerated, when the client names it; not read." }),
  })
  .superRefine((body, context) => {
    const index = body.messages.length - 1;
    const last = body.messages[index];
    if (last && last.role !== "user") {
      context.addIssue({
        code: "custom",
        path: ["messages", index, "role"],
        message: "The last message must be the user's",
      });
    }
    const text = last?.parts.some((part) => part.type === "text" && (part.text ?? "").trim() !== "");
    if (last && !text) {
      context.addIssue({
        code: "custom",
        path: ["messages", index, "parts"],
        message: "The last message has no text part",
      });
    }
  })
  .openapi("ChatRequest", {
    description: "What the AI SDK's `DefaultChatTransport` posts (`ai` 7): the chat id, its messages and the trigger.",
    example: {
      id: "cmif7vj3k0000thr000000001",
      messages: [{ id: "x7Hq2", role: "user", parts: [{ type: "text", text: "How did churn do in Q3?" }] }],
      trigger: "submit-message",
    },
  });

export type ChatRequest = z.infer<typeof ChatRequestBody>;

export const ChatParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "The chat's id: the thread's id." }),
});

export const ChatMessagesQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(50)
    .openapi({ param: { name: "limit", in: "query" }, description: `Page size, 1–${MAX_PAGE_SIZE}.`, format: "int32" }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description: "`next_cursor` of the previous page: the messages before it.",
    }),
});

const uiMessageExample: UiMessage = {
  id: "cmif7vj3k0000msg000000001",
  role: "assistant",
  parts: [
    { type: "text", text: "Churn fell from 4.1% to 3.2%.", state: "done" },
    {
      type: "data-blocks",
      id: "blocks-cmif7vj3k0000msg000000001",
      data: [{ type: "section", text: { type: "mrkdwn", text: "*Churn* fell from 4.1% to 3.2%." } }],
    },
  ],
  metadata: {
    thread_id: "cmif7vj3k0000thr000000001",
    message_id: "cmif7vj3k0000msg000000001",
    seq: 2,
    state: "COMPLETE",
    incomplete_reason: null,
    author: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
    created_at: "2026-11-25T10:00:00.000Z",
    deleted: false,
  },
};

export const ChatMessagePage = pageEnvelope(UiMessageSchema, "ChatMessagePage", uiMessageExample);

/** A content part of an AG-UI message: text parts are read; others are accepted and left out. */
const AgUiInputPart = z.looseObject({
  type: z.string().min(1).max(100),
  text: z.string().max(MESSAGE_LIMITS.maxTextLength).optional(),
});

const AgUiInputMessage = z.looseObject({
  id: z.string().min(1).max(200),
  role: z.enum(["developer", "system", "assistant", "user", "tool", "activity", "reasoning"]),
  content: z.union([z.string().max(MESSAGE_LIMITS.maxTextLength), z.array(AgUiInputPart).max(100)]).nullish(),
});

export const AgUiInputBody = z
  .looseObject({
    threadId: Id.openapi({ description: "The thread's id." }),
    runId: z.string().min(1).max(200),
    messages: z.array(AgUiInputMessage).max(1000).openapi({
      description:
        "The conversation as the client has it; only the last is read: when it is a `user` message with text, it is stored (once per its `id`) and the run streams the agent's reply to it. Otherwise the run shows the reply in progress, if any.",
    }),
    state: z.unknown().optional(),
    tools: z.array(z.unknown()).max(100).optional(),
    context: z.array(z.unknown()).max(100).optional(),
    forwardedProps: z.unknown().optional(),
  })
  .openapi("AgUiRunAgentInput", {
    description: "AG-UI's `RunAgentInput` (`@ag-ui/core` 1.0), as `HttpAgent` posts it.",
    example: {
      threadId: "cmif7vj3k0000thr000000001",
      runId: "run-1",
      messages: [{ id: "m1", role: "user", content: "How did churn do in Q3?" }],
      state: {},
      tools: [],
      context: [],
    },
  });

export type AgUiInput = z.infer<typeof AgUiInputBody>;

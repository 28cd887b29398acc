import { createRoute, type z } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  featureNotConfigured,
  notFound,
  rateLimited,
  threadConflict,
  tooManyStreams,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { AgUiEventSchema, UiMessageChunkSchema } from "../../wire/chat";
import { AgUiInputBody, ChatMessagePage, ChatMessagesQuery, ChatParams, ChatRequestBody } from "./chat.schemas";

const tags = ["Chat"];
const read = { roles: ALL_ROLES, scope: "threads:read", ownership: "self", memberKeys: "thread" } as const;

const uiMessageStream = (description: string) => ({
  description,
  headers: {
    "x-vercel-ai-ui-message-stream": {
      description: "The UI message stream protocol's version, which the AI SDK checks.",
      schema: { type: "string" as const, enum: ["v1"] },
    },
  },
  content: { "text/event-stream": { schema: UiMessageChunkSchema } },
});

const CHUNKS =
  "`start` (`messageId`: the reply's message id), one text part (`text-start`, a `text-delta` per piece of text as the agent streams it, `text-end`), `data-activity` (transient) for statuses such as \"thinking…\", `data-artifact` for each artifact published meanwhile, `data-blocks` for the reply's Block Kit blocks, `file` for its attachments, then `finish` (`stop` when completed, `interrupted` when it timed out) — or `abort` (`stopped`) when someone stopped it — and `data: [DONE]`";

export const sendChatMessage = createRoute({
  operationId: "sendChatMessage",
  method: "post",
  path: "/chat",
  ...guarded({ roles: ["ADMIN", "USER"], ownership: "self" }, rateLimit(writeRateLimit)),
  tags,
  summary: "Send a chat message and stream the reply (AI SDK useChat)",
  description: `The endpoint for the AI SDK's \`useChat\` (\`DefaultChatTransport({ api: "<base>/chat", headers: { Authorization: "Bearer <token>" } })\`, with \`useChat({ id: <thread id> })\`). Stores the last message of \`messages\` as your USER message in the thread — once per client message id, so a retried submit stores one message — then answers the agent's reply to it as the AI SDK's UI message stream, as the agent streams it through the streamed-reply operations: ${CHUNKS}. The reply is the first ASSISTANT message after yours. With \`trigger: "regenerate-message"\` (\`regenerate()\`) nothing is stored: the last message (a user's message this chat sent or listed) gets a new reply through POST /threads/{id}/messages/{message_id}/regenerate, and the stream is that reply; the previous one stays in the thread. If no agent starts one within \`CHAT_REPLY_WAIT_SECONDS\` (60), the stream ends with \`finish\` whose \`messageMetadata\` is \`{ "reply": "none" }\`; your message stays. Closing the connection never stops the reply (POST …/stop does); reconnect with GET /chat/{id}/stream. Users only; the thread must be yours (or you an admin). The guide: docs/chat-front-ends.md.`,
  request: { body: { required: true, content: { "application/json": { schema: ChatRequestBody } } } },
  responses: {
    [Status.OK]: uiMessageStream("The reply, as the UI message stream."),
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...threadConflict,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const resumeChatStream = createRoute({
  operationId: "resumeChatStream",
  method: "get",
  path: "/chat/{id}/stream",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "Resume a chat's reply in progress",
  description: `Where \`useChat({ resume: true })\` reconnects (\`DefaultChatTransport\` builds \`{api}/{id}/stream\`): 204 when no agent's reply is streaming in the thread (among its 50 newest messages); otherwise that reply from its start as one replay — its text so far at once — then live: ${CHUNKS}. It is read from the thread's log and its hub, with nothing kept per connection, so it works after a page reload, on another device and after a restart of the service.`,
  request: { params: ChatParams },
  responses: {
    [Status.OK]: uiMessageStream("The reply so far, then live, as the UI message stream."),
    [Status.NO_CONTENT]: { description: "No reply is streaming in this thread." },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...tooManyStreams,
    ...featureNotConfigured,
  },
});

export const listChatMessages = createRoute({
  operationId: "listChatMessages",
  method: "get",
  path: "/chat/{id}/messages",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "List a chat's messages as AI SDK UIMessages",
  description:
    "The thread's top-level messages as the AI SDK's `UIMessage` objects, for `useChat({ messages })`: the newest page first, each page oldest first; `pagination.next_cursor` gives the page before. Each has its plain text as a text part (`state: streaming` while it streams), its Block Kit blocks as a `data-blocks` part, its attachments as `file` parts (signed links valid for an hour where download links are configured), and `metadata` naming the message (`message_id`, `seq`, `state`, `incomplete_reason`, `author`). Deleted messages are left out.",
  request: { params: ChatParams, query: ChatMessagesQuery },
  responses: {
    [Status.OK]: jsonResponse(ChatMessagePage, "A page of the chat's messages."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const runAgUiAgent = createRoute({
  operationId: "runAgUiAgent",
  method: "post",
  path: "/ag-ui",
  ...guarded({ roles: ["ADMIN", "USER"], ownership: "self" }, rateLimit(writeRateLimit)),
  tags,
  summary: "Run the thread's agents over AG-UI",
  description:
    "The endpoint for AG-UI clients (`@ag-ui/client`'s `HttpAgent({ url: \"<base>/ag-ui\", headers: { Authorization: \"Bearer <token>\" } })`, CopilotKit), with `threadId` = the thread's id. When the input's last message is a `user` message with text, it is stored as your USER message (once per its `id`) and the run streams the agent's reply to it; otherwise it shows the reply in progress, if any (a reconnecting client). The events, as server-sent events: `RUN_STARTED`, `MESSAGES_SNAPSHOT` (the thread's 50 newest messages, so a client hydrates from the thread, not from its own memory), `ACTIVITY_SNAPSHOT` for statuses, `TEXT_MESSAGE_START` / `_CONTENT` / `_END` for the reply as the agent streams it, `CUSTOM` (`artifact`) for artifacts published meanwhile, then `RUN_FINISHED` (`outcome.type` `cancelled` when someone stopped the reply; `result` names the message, or says `reply: none` when no agent started one within `CHAT_REPLY_WAIT_SECONDS`) or `RUN_ERROR`. Closing the connection never stops the reply. Users only; the thread must be yours (or you an admin).",
  request: { body: { required: true, content: { "application/json": { schema: AgUiInputBody } } } },
  responses: {
    [Status.OK]: {
      description: "The run's events.",
      content: { "text/event-stream": { schema: AgUiEventSchema } },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...threadConflict,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export type ChatPageAnswer = {
  data: z.infer<typeof ChatMessagePage>["data"];
  pagination: z.infer<typeof ChatMessagePage>["pagination"];
};

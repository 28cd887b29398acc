import type { Caller } from "../http/forwarded-caller";
import { workerProblem } from "../http/worker-problem";
import type { Logger } from "../logging";
import { errorMessage } from "../logging";
import type { ChatRequest } from "../routes/chat/chat.schemas";
import type { MessageWire } from "../wire/messages";
import type { ReplyRequest } from "../wire/reply-requests";
import { ApiRefusal, type ChatEnv, callApi, dataOf } from "./api";
import { fileUrl } from "./file-links";
import { followReply, replyWaitMs } from "./reply";
import { sseBody } from "./sse-body";
import { openThreadFeed } from "./thread-feed";
import { UI_MESSAGE_STREAM_HEADERS, uiMessageChunks } from "./ui-message-stream";
import { toUiMessage } from "./ui-messages";

/** The reply that follows `afterSeq` (or the known reply, resuming) as the AI SDK's UI message stream. */
const streamReply = async (
  env: ChatEnv,
  caller: Caller,
  log: Logger,
  threadId: string,
  from: { afterSeq: number; replyId: string | null },
) => {
  const upstream = new AbortController();
  const frames = await openThreadFeed(env, caller, threadId, from.afterSeq, upstream.signal);
  const chunks = uiMessageChunks(followReply(frames, from.replyId, replyWaitMs(env)), (id) => fileUrl(env, caller, id));
  const body = sseBody(chunks, {
    upstream,
    last: "[DONE]",
    failed: { type: "error", errorText: "The chat stream failed." },
    onError: (error) => log.error("chat stream failed", { error: errorMessage(error) }),
  });
  return new Response(body, { headers: UI_MESSAGE_STREAM_HEADERS });
};

/** The text of a chat message: its text parts, in order (the API has checked there is some). */
const textOf = (message: ChatRequest["messages"][number]) =>
  message.parts.flatMap((part) => (part.type === "text" && typeof part.text === "string" ? [part.text] : [])).join("");

/** The newest messages looked at for a reply in progress, or for the message a regenerate answers. */
const RECENT = 50;

const recentMessages = async (env: ChatEnv, caller: Caller, threadId: string) =>
  dataOf<MessageWire[]>(
    await callApi(env, caller, `/threads/${threadId}/messages?order=desc&top_level=true&limit=${RECENT}`),
  );

/** The client's id of a message this chat stored, kept in its metadata so a regenerate can find it. */
const CHAT_MESSAGE_ID = "chat_message_id";

/** The user's message a chat message is: ours by id (the history's), or stored by this chat under the client's id. */
const storedMessageOf = async (env: ChatEnv, caller: Caller, threadId: string, chatMessageId: string) => {
  const found = (await recentMessages(env, caller, threadId)).find(
    (message) =>
      message.role === "USER" &&
      message.deleted_at === null &&
      (message.id === chatMessageId || message.metadata?.[CHAT_MESSAGE_ID] === chatMessageId),
  );
  if (found) return found;
  throw new ApiRefusal(
    workerProblem(
      "not-found",
      `Message ${chatMessageId} is not a user's message among the thread's ${RECENT} newest: regenerate answers a message this chat sent or listed.`,
      { requestId: caller.requestId, instance: "/chat" },
    ),
  );
};

/**
 * `POST /chat` (DefaultChatTransport's request). `submit-message`: stores the last message as the caller's message
 * in the thread — once per client message id, so a retried submit stores one — then streams the agent's reply to
 * it. `regenerate-message`: asks the agents for a new reply to the last message, and streams that.
 */
export const sendChatMessage = async (env: ChatEnv, caller: Caller, log: Logger, chat: ChatRequest) => {
  const last = chat.messages[chat.messages.length - 1];
  if (!last) throw new Error("the API checks that a chat request has a message");
  if (chat.trigger === "regenerate-message") {
    const message = await storedMessageOf(env, caller, chat.id, last.id);
    const request = await dataOf<ReplyRequest>(
      await callApi(env, caller, `/threads/${chat.id}/messages/${message.id}/regenerate`, { method: "POST" }),
    );
    return streamReply(env, caller, log, chat.id, { afterSeq: request.seq, replyId: null });
  }
  const message = await dataOf<MessageWire>(
    await callApi(env, caller, `/threads/${chat.id}/messages`, {
      method: "POST",
      body: { text: textOf(last), metadata: { [CHAT_MESSAGE_ID]: last.id } },
      headers: { "Idempotency-Key": `chat:${chat.id}:${last.id}` },
    }),
  );
  return streamReply(env, caller, log, chat.id, { afterSeq: message.seq, replyId: null });
};

/**
 * `GET /chat/{id}/stream` (DefaultChatTransport's reconnect): 204 when no agent's reply is streaming in the
 * thread; else the reply from its start — the text so far at once, then live — read from the thread's log.
 */
export const resumeChatStream = async (env: ChatEnv, caller: Caller, log: Logger, threadId: string) => {
  const streaming = (await recentMessages(env, caller, threadId)).find(
    (message) => message.role === "ASSISTANT" && message.state === "STREAMING",
  );
  if (!streaming) return new Response(null, { status: 204 });
  return streamReply(env, caller, log, threadId, { afterSeq: streaming.seq - 1, replyId: streaming.id });
};

/**
 * `GET /chat/{id}/messages`: a page of the thread's top-level messages as UIMessages — the newest page first,
 * each page oldest first (what `useChat({ messages })` takes); deleted messages are left out.
 */
export const listChatMessages = async (env: ChatEnv, caller: Caller, threadId: string, query: URLSearchParams) => {
  const cursor = query.get("cursor");
  // A cursor carries the order it was made with.
  const params = new URLSearchParams({ top_level: "true", limit: query.get("limit") ?? "50" });
  if (cursor) params.set("cursor", cursor);
  else params.set("order", "desc");
  const response = await callApi(env, caller, `/threads/${threadId}/messages?${params}`);
  if (!response.ok) throw new ApiRefusal(response);
  const page = (await response.json()) as { data: MessageWire[]; pagination: unknown };
  const live = page.data.filter((message) => message.deleted_at === null).reverse();
  const data = await Promise.all(live.map((message) => toUiMessage(message, (id) => fileUrl(env, caller, id))));
  // The API wraps it in its envelope.
  return Response.json({ data, pagination: page.pagination });
};

import type { Caller } from "../http/forwarded-caller";
import type { Logger } from "../logging";
import { errorMessage } from "../logging";
import type { AgUiInput } from "../routes/chat/chat.schemas";
import type { AgUiEvent, AgUiMessage } from "../wire/chat";
import type { MessageWire } from "../wire/messages";
import { type ChatEnv, callApi, dataOf } from "./api";
import { CHAT_ROLES, chatMetadataOf, followReply, type ReplyEvent, replyWaitMs } from "./reply";
import { sseBody } from "./sse-body";
import { openThreadFeed } from "./thread-feed";

const toAgUiMessage = (message: MessageWire): AgUiMessage => ({
  id: message.id,
  role: CHAT_ROLES[message.role],
  content: message.text,
});

/** The reply as AG-UI events: its text message, statuses as activities, artifacts as custom events, the run's end. */
async function* agUiEvents(
  events: AsyncIterable<ReplyEvent>,
  run: { threadId: string; runId: string },
): AsyncGenerator<AgUiEvent> {
  for await (const event of events) {
    switch (event.type) {
      case "started":
        yield { type: "TEXT_MESSAGE_START", messageId: event.message.id, role: "assistant" };
        break;
      case "text":
        if (event.delta !== "") yield { type: "TEXT_MESSAGE_CONTENT", messageId: event.messageId, delta: event.delta };
        break;
      case "activity":
        yield {
          type: "ACTIVITY_SNAPSHOT",
          messageId: `status-${event.change.actor.id}`,
          activityType: "status",
          content: event.change,
          replace: true,
        };
        break;
      case "artifact":
        yield { type: "CUSTOM", name: "artifact", value: event.artifact };
        break;
      case "ended":
        yield { type: "TEXT_MESSAGE_END", messageId: event.message.id };
        yield {
          type: "RUN_FINISHED",
          ...run,
          outcome: { type: event.end === "stopped" ? "cancelled" : "success" },
          result: chatMetadataOf(event.message),
        };
        break;
      case "no_reply":
        yield {
          type: "RUN_FINISHED",
          ...run,
          outcome: { type: "success" },
          result: { reply: "none", waited_seconds: event.waitedSeconds },
        };
        break;
      case "lost":
        yield { type: "RUN_ERROR", message: event.reason };
        break;
    }
  }
}

/** The newest messages a run's snapshot carries. */
const SNAPSHOT = 50;

/**
 * `POST /ag-ui` (AG-UI's `HttpAgent`): stores the input's last message when it is a new user message (once
 * per its id), then answers RUN_STARTED, a MESSAGES_SNAPSHOT of the thread, and the agent's reply to it —
 * or, when the input brings no new message, the reply in progress if any — then RUN_FINISHED.
 */
export const runAgUi = async (env: ChatEnv, caller: Caller, log: Logger, input: AgUiInput) => {
  const { threadId, runId } = input;
  const last = input.messages[input.messages.length - 1];
  const content = last?.role === "user" ? textOf(last.content) : "";
  const posted =
    last && content !== ""
      ? await dataOf<MessageWire>(
          await callApi(env, caller, `/threads/${threadId}/messages`, {
            method: "POST",
            body: { text: content },
            headers: { "Idempotency-Key": `ag-ui:${threadId}:${last.id}` },
          }),
        )
      : null;
  const recent = await dataOf<MessageWire[]>(
    await callApi(env, caller, `/threads/${threadId}/messages?order=desc&top_level=true&limit=${SNAPSHOT}`),
  );
  const streaming = posted
    ? null
    : recent.find((message) => message.role === "ASSISTANT" && message.state === "STREAMING");
  const upstream = new AbortController();
  const follow = posted
    ? { afterSeq: posted.seq, replyId: null }
    : streaming
      ? { afterSeq: streaming.seq - 1, replyId: streaming.id }
      : null;
  const frames = follow ? await openThreadFeed(env, caller, threadId, follow.afterSeq, upstream.signal) : null;
  async function* run(): AsyncGenerator<AgUiEvent> {
    yield { type: "RUN_STARTED", threadId, runId };
    yield {
      type: "MESSAGES_SNAPSHOT",
      messages: recent
        .filter((message) => message.deleted_at === null)
        .reverse()
        .map(toAgUiMessage),
    };
    if (!frames || !follow) {
      yield {
        type: "RUN_FINISHED",
        threadId,
        runId,
        outcome: { type: "success" },
        result: { reply: "none", waited_seconds: 0 },
      };
      return;
    }
    yield* agUiEvents(followReply(frames, follow.replyId, replyWaitMs(env)), { threadId, runId });
  }
  const body = sseBody(run(), {
    upstream,
    failed: { type: "RUN_ERROR", message: "The run failed." },
    onError: (error) => log.error("AG-UI run failed", { error: errorMessage(error) }),
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" } });
};

/** A user message's text: AG-UI content is a string or parts, of which the text parts are read. */
const textOf = (content: AgUiInput["messages"][number]["content"]) =>
  typeof content === "string"
    ? content
    : (content ?? [])
        .flatMap((part: { type: string; text?: string }) =>
          part.type === "text" && typeof part.text === "string" ? [part.text] : [],
        )
        .join("");

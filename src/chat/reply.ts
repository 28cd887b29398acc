import type { z } from "@hono/zod-openapi";
import type { ArtifactSchema } from "../wire/artifacts";
import type { ChatMessageMetadata } from "../wire/chat";
import type { MessageSnapshot } from "../wire/messages";
import type { ChatEnv } from "./api";
import type { ActivityChange, FeedFrame } from "./thread-feed";

type Artifact = z.infer<typeof ArtifactSchema>;

/** How a reply ended, from its final state. */
export type ReplyEnd = "complete" | "stopped" | "timed_out" | "deleted";

/**
 * What happens to an agent's reply, whatever protocol shows it (the AI SDK's UI message stream, AG-UI):
 * read from the thread's live stream, one kind per step of the reply.
 */
export type ReplyEvent =
  | { type: "started"; message: MessageSnapshot }
  | { type: "text"; messageId: string; delta: string }
  | { type: "activity"; change: ActivityChange }
  | { type: "artifact"; artifact: Artifact }
  | { type: "ended"; message: MessageSnapshot; end: ReplyEnd }
  | { type: "no_reply"; waitedSeconds: number }
  | { type: "lost"; reason: string };

export const chatMetadataOf = (message: MessageSnapshot): ChatMessageMetadata => ({
  thread_id: message.thread_id,
  message_id: message.id,
  seq: message.seq,
  state: message.state,
  incomplete_reason: message.incomplete_reason,
  author: message.author,
  created_at: message.created_at,
  deleted: message.deleted_at !== null,
});

/** A message's role as both protocols name it: ASSISTANT and TOOL messages are the assistant's. */
export const CHAT_ROLES = { USER: "user", ASSISTANT: "assistant", TOOL: "assistant", SYSTEM: "system" } as const;

/** How long a chat waits for an agent to start replying (CHAT_REPLY_WAIT_SECONDS). */
export const replyWaitMs = (env: ChatEnv) => {
  const seconds = Number(env.CHAT_REPLY_WAIT_SECONDS ?? "60");
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000;
};

const endOf = (message: MessageSnapshot): ReplyEnd | null => {
  if (message.deleted_at !== null) return "deleted";
  if (message.state === "COMPLETE") return "complete";
  if (message.state === "INCOMPLETE") return message.incomplete_reason === "STOPPED" ? "stopped" : "timed_out";
  return null;
};

/**
 * Follows one reply through the thread's live stream: its start, its text as it grows (each part of the
 * text once, whatever order deltas and events come in: the hub sends the text so far on joining), the
 * statuses and artifacts published meanwhile, and its end. Gives up waiting for a reply to start after
 * `waitMs` (`no_reply`); a stream that cannot go on (reset) or ends early is `lost`.
 */
export async function* followReply(
  /** The thread's stream from just after the user's message (or, resuming, just before the reply). */
  frames: AsyncIterable<FeedFrame>,
  /** The reply being resumed; none: the first ASSISTANT message in `frames`. */
  knownReplyId: string | null,
  waitMs: number,
): AsyncGenerator<ReplyEvent> {
  const iterator = frames[Symbol.asyncIterator]();
  let replyId = knownReplyId;
  let started = false;
  let text = "";
  const deadline = Date.now() + waitMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grow = function* (offset: number, piece: string): Generator<ReplyEvent> {
    // Apply only what continues the text (the SDK's applyDelta); a repeat adds nothing.
    if (offset > text.length || offset + piece.length <= text.length) return;
    const added = piece.slice(text.length - offset);
    text += added;
    if (replyId !== null) yield { type: "text", messageId: replyId, delta: added };
  };
  try {
    for (;;) {
      const next = iterator.next();
      // Left pending when the wait ends first: its failure (the feed aborted) is nobody's to handle.
      next.catch(() => undefined);
      const waiting = !started;
      const outcome = waiting
        ? await Promise.race([
            next,
            new Promise<"timeout">((resolve) => {
              timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
            }),
          ])
        : await next;
      clearTimeout(timer);
      if (outcome === "timeout") {
        yield { type: "no_reply", waitedSeconds: Math.round(waitMs / 1000) };
        return;
      }
      if (outcome.done) {
        yield { type: "lost", reason: "The thread's stream ended before the reply did." };
        return;
      }
      const frame = outcome.value;
      if (frame.kind === "reset") {
        yield { type: "lost", reason: `The thread's stream was reset (${frame.reset.reason}).` };
        return;
      }
      if (frame.kind === "activity") {
        yield { type: "activity", change: frame.change };
        continue;
      }
      if (frame.kind === "delta") {
        if (started && frame.delta.message_id === replyId) yield* grow(frame.delta.offset, frame.delta.text);
        continue;
      }
      const { event } = frame;
      switch (event.type) {
        case "message.created": {
          const message = event.data;
          const isReply = replyId === null ? message.role === "ASSISTANT" : message.id === replyId;
          if (!isReply || started) break;
          replyId = message.id;
          started = true;
          yield { type: "started", message };
          yield* grow(0, message.text);
          const end = endOf(message);
          if (end) {
            yield { type: "ended", message, end };
            return;
          }
          break;
        }
        case "message.updated":
        case "message.deleted": {
          const message = event.data;
          if (!started || message.id !== replyId) break;
          const end = event.type === "message.deleted" ? "deleted" : endOf(message);
          if (!end) break;
          // The final text, when it continues what was streamed (a completion may replace it: the message says so).
          if (end !== "deleted" && message.text.startsWith(text)) yield* grow(0, message.text);
          yield { type: "ended", message, end };
          return;
        }
        case "artifact.created":
        case "artifact.updated":
          yield { type: "artifact", artifact: event.data };
          break;
        default:
          break;
      }
    }
  } finally {
    clearTimeout(timer);
    // Not awaited: a read may still be pending on the feed, which ends when its owner aborts it.
    iterator.return?.().catch(() => undefined);
  }
}

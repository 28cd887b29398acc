import type { z } from "@hono/zod-openapi";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { Caller } from "../http/forwarded-caller";
import type { ActivityChangeSchema } from "../wire/activity";
import type { ThreadEvent } from "../wire/events";
import type { MessageDelta, StreamReset } from "../wire/stream-frames";
import { ApiRefusal, type ChatEnv, callApi } from "./api";

export type ActivityChange = z.infer<typeof ActivityChangeSchema>;

/** A frame of the thread's live stream (GET /threads/{id}/events as server-sent events), parsed. */
export type FeedFrame =
  | { kind: "event"; event: ThreadEvent }
  | { kind: "delta"; delta: MessageDelta }
  | { kind: "activity"; change: ActivityChange }
  | { kind: "reset"; reset: StreamReset };

const parse = (event: string, data: string): FeedFrame => {
  const value = JSON.parse(data) as unknown;
  if (event === "message.delta") return { kind: "delta", delta: value as MessageDelta };
  if (event === "activity") return { kind: "activity", change: value as ActivityChange };
  if (event === "reset") return { kind: "reset", reset: value as StreamReset };
  return { kind: "event", event: value as ThreadEvent };
};

async function* framesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<FeedFrame> {
  const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield parse(value.event ?? "message", value.data);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The thread's live stream after `after`, as the caller reads it: the log from there, then what happens,
 * with each streaming message's text so far and the live statuses on joining (the thread hub's welcome).
 * This is the one source of every chat stream: nothing is kept here, so a chat resumes from the log.
 * Opened before it is returned, so a refusal (no such thread, too many streams) is the chat's answer.
 */
export const openThreadFeed = async (
  env: ChatEnv,
  caller: Caller,
  threadId: string,
  after: number,
  signal: AbortSignal,
): Promise<AsyncGenerator<FeedFrame>> => {
  const response = await callApi(env, caller, `/threads/${threadId}/events?after=${after}`, {
    headers: { Accept: "text/event-stream" },
    signal,
  });
  if (!response.ok || !response.body) throw new ApiRefusal(response);
  return framesOf(response.body);
};

import type { Client } from "./client.js";
import type { Message } from "./models.js";
import { ApiProblemError, unwrap } from "./results.js";
import type { components } from "./schema.js";

type CreateMessage = components["schemas"]["CreateMessageRequest"];
type CompleteMessage = components["schemas"]["CompleteMessageRequest"];

export interface StreamReplyOptions {
  /** How the message starts: role (ASSISTANT by default for API keys), `parent_id`, first `text`… */
  start?: Omit<CreateMessage, "streaming">;
  /** Final blocks, metadata or text, sent when the chunks are done. */
  complete?: CompleteMessage;
  /** Tries per delta on a network error, a 5xx or a 429 (default 4); a retried delta is applied once. */
  attempts?: number;
  /** Stops between deltas; the message then times out into INCOMPLETE. */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const wasStopped = (error: unknown) => error instanceof ApiProblemError && error.type.endsWith("/message-stopped");

const isRetryable = (error: unknown) =>
  !(error instanceof ApiProblemError) || error.status >= 500 || error.status === 429;

/** Seconds the server asked to wait (`Retry-After`), else a backoff with jitter. */
const delayAfter = (error: unknown, attempt: number) => {
  const retryAfter = error instanceof ApiProblemError ? Number(error.response.headers.get("Retry-After")) : Number.NaN;
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const base = 250 * 2 ** attempt;
  return base / 2 + Math.random() * (base / 2);
};

/**
 * Streams an agent's reply into a thread, the way Slack's `chat.startStream` / `appendStream` /
 * `stopStream` do: starts a STREAMING message, appends each chunk of `chunks` (an LLM's token
 * stream, say) at its offset — retrying a failed append, which the server applies once — and
 * completes the message. Watchers see `message.delta` frames as the chunks arrive. Resolves to the
 * completed message; if `chunks` throws, the error is rethrown and the message is left to time out
 * into INCOMPLETE with the text that arrived. When someone stops the reply (a user's "stop
 * generating": 409 `message-stopped`), `chunks` is closed — ending the generation behind it — and
 * the stopped message is returned (`state` INCOMPLETE, `incomplete_reason` STOPPED).
 */
export const streamReply = async (
  client: Client,
  threadId: string,
  chunks: AsyncIterable<string>,
  options: StreamReplyOptions = {},
): Promise<Message> => {
  const attempts = options.attempts ?? 4;
  const path = { id: threadId };
  const started = await unwrap(
    client.POST("/threads/{id}/messages", { params: { path }, body: { ...options.start, streaming: true } }),
  );
  const message = { path: { id: threadId, message_id: started.id } };
  let length = started.text.length;
  for await (const text of chunks) {
    options.signal?.throwIfAborted();
    if (text.length === 0) continue;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const position = await unwrap(
          client.POST("/threads/{id}/messages/{message_id}/deltas", {
            params: message,
            body: { offset: length, text },
          }),
        );
        length = position.length;
        break;
      } catch (error) {
        // Returning from the loop closes `chunks`.
        if (wasStopped(error)) return unwrap(client.GET("/threads/{id}/messages/{message_id}", { params: message }));
        if (attempt >= attempts || !isRetryable(error)) throw error;
        await sleep(delayAfter(error, attempt));
      }
    }
  }
  try {
    return await unwrap(
      client.POST("/threads/{id}/messages/{message_id}/complete", {
        params: message,
        body: options.complete ?? {},
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
    );
  } catch (error) {
    if (wasStopped(error)) return unwrap(client.GET("/threads/{id}/messages/{message_id}", { params: message }));
    throw error;
  }
};

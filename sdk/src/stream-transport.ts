import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { Client } from "./client.js";
import type { EventSourceConstructor, EventSourceMessageEvent, SubscribeOptions } from "./subscribe-types.js";

/** How to open one kind of stream: through the client's fetch, or a stream token for EventSource. */
export interface StreamSource {
  open: (after: number, signal: AbortSignal) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  tokenBody: { thread_id: string } | { stream: "user" };
  /** The named events it sends (EventSource dispatches by name). */
  eventNames: string[];
}

/** What one connection needs of its subscription: where it resumes, when it stops, where frames go. */
export interface Connection {
  /** The seq of the last event delivered: the stream resumes after it. */
  after: number;
  signal: AbortSignal;
  /** Hands a frame to the subscription; true when it ended the stream (a reset). */
  deliver: (message: EventSourceMessage) => boolean;
  onOpen: () => void;
  /** The server's `retry:`: the reconnect delay it asks for. */
  onRetry: (ms: number) => void;
}

/** The stream was not opened; `status` tells whether trying again can help. */
export class StreamRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`The stream was refused with ${status}`);
    this.name = "StreamRefused";
  }
}

/** One connection through the client's fetch; resolves when it ends. */
export const readWithFetch = async (
  source: StreamSource,
  { after, signal, deliver, onOpen, onRetry }: Connection,
): Promise<void> => {
  const { data, error, response } = await source.open(after, signal);
  if (!response.ok || !data) throw new StreamRefused(response.status, error);
  onOpen();
  const reader = (data as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let reset = false;
  const parser = createParser({
    onEvent: (message) => {
      reset ||= deliver(message);
    },
    onRetry,
  });
  try {
    while (!reset && !signal.aborted) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
};

/** One connection through EventSource and a fresh stream token; resolves when it ends. */
export const readWithEventSource = async (
  client: Client,
  source: StreamSource,
  { baseUrl, EventSource: given }: NonNullable<SubscribeOptions["eventSource"]>,
  { after, signal, deliver, onOpen }: Connection,
): Promise<void> => {
  const Source = given ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (!Source) throw new StreamRefused(0, "This runtime has no EventSource: pass options.eventSource.EventSource.");
  const { data, error, response } = await client.POST("/stream-tokens", { body: source.tokenBody });
  if (!data) throw new StreamRefused(response.status, error);
  const url = `${baseUrl}${data.data.url}&after=${after}`;
  await new Promise<void>((resolve, reject) => {
    const eventSource = new Source(url);
    const finish = () => {
      eventSource.close();
      resolve();
    };
    signal.addEventListener("abort", finish);
    eventSource.addEventListener("open", () => onOpen());
    const onMessage = (message: EventSourceMessageEvent) => {
      // EventSource keeps the last id for frames without one: only the log's events carry theirs.
      const logged = source.eventNames.includes(message.type);
      if (deliver({ event: message.type, data: message.data, id: logged ? message.lastEventId : undefined })) finish();
    };
    for (const type of [...source.eventNames, "message.delta", "activity", "reset"]) {
      eventSource.addEventListener(type, onMessage);
    }
    // EventSource reconnects by itself with the same URL, whose token expires: this subscription
    // reconnects instead, with a new token and `after` where it is.
    eventSource.addEventListener("error", () => {
      eventSource.close();
      reject(new Error("The event stream's connection failed"));
    });
  });
};

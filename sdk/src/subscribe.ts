import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { Client } from "./index.js";
import type { components } from "./schema.js";

type ThreadEvent = components["schemas"]["ThreadEvent"];
export type UserEvent = components["schemas"]["UserEvent"];
export type StreamReset = components["schemas"]["StreamReset"];
export type ActivityChange = components["schemas"]["ActivityChange"];
export type MessageDelta = components["schemas"]["MessageDelta"];

/**
 * A message's text after `delta`: what a client shows while an agent streams a reply. Deltas it
 * already has (a repeat, or one the whole text sent on connecting includes) change nothing; one
 * past the end of what it has (it missed one) is ignored too: the `message.updated` event that
 * ends the stream brings the whole text.
 */
export const applyDelta = (text: string, delta: Pick<MessageDelta, "offset" | "text">): string =>
  delta.offset <= text.length && delta.offset + delta.text.length > text.length
    ? text.slice(0, delta.offset) + delta.text
    : text;

/** Typed handlers per event type: `{ "message.created": (event) => event.data.text }`. */
export type ThreadEventHandlers = {
  [T in ThreadEvent["type"]]?: (event: Extract<ThreadEvent, { type: T }>) => void;
};

export interface SubscribeHandlers {
  /** Every event, in order, each once, across reconnects. */
  onEvent?: (event: ThreadEvent) => void;
  /** Per type, after `onEvent`. */
  on?: ThreadEventHandlers;
  /**
   * The stream cannot go on (`reset`: too far behind the log, or the thread was deleted) and has
   * ended: read the thread again and subscribe from its `last_event_seq`.
   */
  onReset?: (reset: StreamReset) => void;
  /**
   * Text streamed into a message (not part of the log): keep each message's text with
   * `applyDelta(text, delta)`. On connecting, each message still streaming comes whole (offset 0).
   */
  onDelta?: (delta: MessageDelta) => void;
  /** Someone's status ("thinking…") was set, or cleared (`text: null`); not part of the log. */
  onActivity?: (activity: ActivityChange) => void;
  /** A connection opened (after every reconnect too). */
  onOpen?: () => void;
  /**
   * Something went wrong. With `willRetry` the subscription reconnects by itself; without, it has
   * ended (the thread is not yours or gone: 404; credentials refused: 401/403).
   */
  onError?: (error: unknown, willRetry: boolean) => void;
}

/** Handlers of the user stream: each event of it, with the thread event it carries. */
export interface UserSubscribeHandlers {
  /** Every event of your stream, in order, each once, across reconnects. */
  onEvent?: (event: UserEvent) => void;
  /** The stream cannot go on (too far behind the retained log): read your threads again. */
  onReset?: (reset: StreamReset) => void;
  onOpen?: () => void;
  onError?: (error: unknown, willRetry: boolean) => void;
}

export interface SubscribeOptions {
  /** Start after this seq (default 0: the whole retained log first). */
  after?: number;
  /** Ends the subscription. */
  signal?: AbortSignal;
  /** Reconnect delays: from `initialDelayMs` (or the server's `retry:`), doubling up to `maxDelayMs`, with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Browsers: open the stream with `EventSource` (no `Authorization` header possible) through a
   * stream token from POST /stream-tokens, asked for again on every reconnect. The API's base URL
   * is needed because EventSource takes a URL, not a client.
   */
  eventSource?: { baseUrl: string; EventSource?: EventSourceConstructor };
}

/** What the SDK needs of a WHATWG EventSource (the browser's, or the `eventsource` package's). */
export interface EventSourceMessageEvent {
  type: string;
  data: string;
  lastEventId: string;
}
export type EventSourceConstructor = new (
  url: string,
) => {
  addEventListener(type: string, listener: (event: EventSourceMessageEvent) => void): void;
  close(): void;
};

export interface Subscription {
  /** The seq of the last event delivered: where a reconnect resumes. */
  readonly lastEventId: number;
  /** Resolves when the subscription has ended (closed, reset, or refused). */
  readonly done: Promise<void>;
  close: () => void;
}

/** Every event type a thread's stream sends (EventSource dispatches by name); the compiler checks it is all of them. */
const EVENT_TYPES = Object.keys({
  "thread.created": true,
  "thread.updated": true,
  "message.created": true,
  "message.updated": true,
  "message.deleted": true,
  "reaction.added": true,
  "reaction.removed": true,
  "memory.updated": true,
  "artifact.created": true,
  "artifact.updated": true,
  "artifact.deleted": true,
  "interaction.created": true,
} satisfies Record<ThreadEvent["type"], true>);

/** The thread events a user stream carries. */
const USER_EVENT_TYPES = ["thread.created", "thread.updated", "message.created"];

/** Not worth retrying: the same request would get the same answer. */
const isFinal = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

class StreamRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`The stream was refused with ${status}`);
    this.name = "StreamRefused";
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** How to open one kind of stream: through the client's fetch, or a stream token for EventSource. */
interface StreamSource {
  open: (after: number, signal: AbortSignal) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  tokenBody: { thread_id: string } | { stream: "user" };
  /** The named events it sends (EventSource dispatches by name). */
  eventNames: string[];
}

/** What a stream's frames go to: events of the log (with an `id`), and the others by name. */
interface StreamHandlers {
  event: (data: string) => void;
  other: (name: string, data: string) => void;
  onReset?: (reset: StreamReset) => void;
  onOpen?: () => void;
  onError?: (error: unknown, willRetry: boolean) => void;
}

/**
 * Follows a log live: every event after `options.after`, then each new one, delivered in order
 * and each once; on a dropped connection it reconnects with backoff and resumes after the last
 * event it delivered (`Last-Event-ID`), so nothing is missed or repeated.
 */
const follow = (
  client: Client,
  source: StreamSource,
  handlers: StreamHandlers,
  options: SubscribeOptions,
): Subscription => {
  const stop = new AbortController();
  options.signal?.addEventListener("abort", () => stop.abort());
  const initialDelay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  let lastEventId = options.after ?? 0;
  let serverRetry: number | undefined;
  let ended = false;

  /** Handles one frame; true when the stream has ended with a reset. */
  const deliver = (message: EventSourceMessage): boolean => {
    if (message.event === "reset") {
      ended = true;
      handlers.onReset?.(JSON.parse(message.data) as StreamReset);
      return true;
    }
    if (message.id === undefined || message.id === "") {
      handlers.other(message.event ?? "message", message.data);
      return false;
    }
    const id = Number(message.id);
    // Defensive: the server never repeats a seq, but a client must not show one twice.
    if (id <= lastEventId) return false;
    lastEventId = id;
    handlers.event(message.data);
    return false;
  };
  /** One connection through the client's fetch; resolves when it ends. */
  const readWithFetch = async () => {
    const { data, error, response } = await source.open(lastEventId, stop.signal);
    if (!response.ok || !data) throw new StreamRefused(response.status, error);
    handlers.onOpen?.();
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let reset = false;
    const parser = createParser({
      onEvent: (message) => {
        reset ||= deliver(message);
      },
      onRetry: (ms) => {
        serverRetry = ms;
      },
    });
    try {
      while (!reset && !stop.signal.aborted) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  };

  /** One connection through EventSource and a fresh stream token; resolves when it ends. */
  const readWithEventSource = async ({ baseUrl, EventSource: given }: NonNullable<SubscribeOptions["eventSource"]>) => {
    const Source = given ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
    if (!Source) throw new StreamRefused(0, "This runtime has no EventSource: pass options.eventSource.EventSource.");
    const { data, error, response } = await client.POST("/stream-tokens", { body: source.tokenBody });
    if (!data) throw new StreamRefused(response.status, error);
    const url = `${baseUrl}${data.data.url}&after=${lastEventId}`;
    await new Promise<void>((resolve, reject) => {
      const eventSource = new Source(url);
      const finish = () => {
        eventSource.close();
        resolve();
      };
      stop.signal.addEventListener("abort", finish);
      eventSource.addEventListener("open", () => handlers.onOpen?.());
      const onMessage = (message: EventSourceMessageEvent) => {
        // EventSource keeps the last id for frames without one: only the log's events carry theirs.
        const logged = source.eventNames.includes(message.type);
        if (deliver({ event: message.type, data: message.data, id: logged ? message.lastEventId : undefined }))
          finish();
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

  const run = async () => {
    let failures = 0;
    while (!stop.signal.aborted && !ended) {
      try {
        if (options.eventSource) await readWithEventSource(options.eventSource);
        else await readWithFetch();
        failures = 0;
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof StreamRefused && isFinal(error.status)) {
          handlers.onError?.(error, false);
          return;
        }
        handlers.onError?.(error, true);
        failures += 1;
      }
      if (stop.signal.aborted || ended) return;
      const base = Math.min(maxDelay, (serverRetry ?? initialDelay) * 2 ** Math.max(0, failures - 1));
      // Full jitter on half the delay, so many clients cut at once do not come back at once.
      await sleep(base / 2 + Math.random() * (base / 2), stop.signal);
    }
  };

  const done = run();
  return {
    get lastEventId() {
      return lastEventId;
    },
    done,
    close: () => stop.abort(),
  };
};

/**
 * Follows a thread live: every event after `options.after`, then each new one, delivered in order
 * and each once; on a dropped connection it reconnects with backoff and resumes after the last
 * event it delivered (`Last-Event-ID`), so nothing is missed or repeated. Node and other runtimes
 * read the stream through the client's own fetch (its token, session refresh and middleware);
 * browsers may use `EventSource` with stream tokens (`options.eventSource`).
 */
export const subscribe = (
  client: Client,
  threadId: string,
  handlers: SubscribeHandlers,
  options: SubscribeOptions = {},
): Subscription =>
  follow(
    client,
    {
      open: (after, signal) =>
        client.GET("/threads/{id}/events", {
          params: { path: { id: threadId }, query: { after }, header: { "last-event-id": String(after) } },
          headers: { Accept: "text/event-stream" },
          parseAs: "stream",
          signal,
        }),
      tokenBody: { thread_id: threadId },
      eventNames: EVENT_TYPES,
    },
    {
      event: (data) => {
        const event = JSON.parse(data) as ThreadEvent;
        handlers.onEvent?.(event);
        (handlers.on?.[event.type] as ((event: ThreadEvent) => void) | undefined)?.(event);
      },
      other: (name, data) => {
        if (name === "message.delta") handlers.onDelta?.(JSON.parse(data) as MessageDelta);
        if (name === "activity") handlers.onActivity?.(JSON.parse(data) as ActivityChange);
      },
      onReset: handlers.onReset,
      onOpen: handlers.onOpen,
      onError: handlers.onError,
    },
    options,
  );

/**
 * Follows your own user stream (GET /events; users only): your threads created and updated, and
 * each new message in them — for badges and thread lists — with the same order, resume and
 * reconnects as `subscribe`. In browsers pass `eventSource: { baseUrl }` (a user-stream token).
 */
export const subscribeUser = (
  client: Client,
  handlers: UserSubscribeHandlers,
  options: SubscribeOptions = {},
): Subscription =>
  follow(
    client,
    {
      open: (after, signal) =>
        client.GET("/events", {
          params: { query: { after }, header: { "last-event-id": String(after) } },
          headers: { Accept: "text/event-stream" },
          parseAs: "stream",
          signal,
        }),
      tokenBody: { stream: "user" },
      eventNames: USER_EVENT_TYPES,
    },
    {
      event: (data) => handlers.onEvent?.(JSON.parse(data) as UserEvent),
      other: () => {},
      onReset: handlers.onReset,
      onOpen: handlers.onOpen,
      onError: handlers.onError,
    },
    options,
  );

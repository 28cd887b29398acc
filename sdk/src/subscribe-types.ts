import type { ActivityChange, MessageDelta, StreamReset, ThreadEvent, UserEvent } from "./models.js";

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
   * The stream cannot go on (`reset`: too far behind the log, the thread was deleted, or your API key
   * was removed from it) and has ended: read the thread again and subscribe from its `last_event_seq`.
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

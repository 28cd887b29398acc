import type { EventSourceMessage } from "eventsource-parser";
import type { Client } from "./client.js";
import type { StreamReset } from "./models.js";
import {
  type Connection,
  readWithEventSource,
  readWithFetch,
  StreamRefused,
  type StreamSource,
} from "./stream-transport.js";
import type { SubscribeOptions, Subscription } from "./subscribe-types.js";

/** What a stream's frames go to: events of the log (with an `id`), and the others by name. */
export interface StreamHandlers {
  event: (data: string) => void;
  other: (name: string, data: string) => void;
  onReset?: (reset: StreamReset) => void;
  onOpen?: () => void;
  onError?: (error: unknown, willRetry: boolean) => void;
}

/** Not worth retrying: the same request would get the same answer. */
const isFinal = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows a log live: every event after `options.after`, then each new one, delivered in order
 * and each once; on a dropped connection it reconnects with backoff and resumes after the last
 * event it delivered (`Last-Event-ID`), so nothing is missed or repeated.
 */
export const follow = (
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

  const run = async () => {
    let failures = 0;
    while (!stop.signal.aborted && !ended) {
      const connection: Connection = {
        after: lastEventId,
        signal: stop.signal,
        deliver,
        onOpen: () => handlers.onOpen?.(),
        onRetry: (ms) => {
          serverRetry = ms;
        },
      };
      try {
        if (options.eventSource) await readWithEventSource(client, source, options.eventSource, connection);
        else await readWithFetch(source, connection);
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

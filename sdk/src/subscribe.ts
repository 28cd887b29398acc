import type { Client } from "./client.js";
import { follow } from "./follow.js";
import type { ActivityChange, MessageDelta, ThreadEvent, UserEvent } from "./models.js";
import type { SubscribeHandlers, SubscribeOptions, Subscription, UserSubscribeHandlers } from "./subscribe-types.js";

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

/** Every event type a thread's stream sends (EventSource dispatches by name); the compiler checks it is all of them. */
const EVENT_TYPES = Object.keys({
  "thread.created": true,
  "thread.updated": true,
  "message.created": true,
  "message.updated": true,
  "message.deleted": true,
  "message.reply_requested": true,
  "reaction.added": true,
  "reaction.removed": true,
  "memory.updated": true,
  "artifact.created": true,
  "artifact.updated": true,
  "artifact.deleted": true,
  "interaction.created": true,
  "thread.agent_added": true,
  "thread.agent_removed": true,
} satisfies Record<ThreadEvent["type"], true>);

/** The events a user stream carries: its threads' and the user's own read marks. */
const USER_EVENT_TYPES = ["thread.created", "thread.updated", "message.created", "thread.read"];

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

import type { StreamReset } from "../wire/stream-frames";

/** What the worker asks of a hub when a client opens a stream (after checking its access). */
export interface SubscribeRequest {
  /** Whose log: the thread's id (ThreadHub) or the user's (UserHub). */
  logId: string;
  /** The last seq the client has: it gets every event after it, then live ones. */
  after: number;
  /** Who watches (`user:<id>` / `api_key:<id>`), for the per-holder limit. */
  holder: string;
  /** The request that opened the stream: the hub's log lines about it carry it. */
  requestId: string;
}

/** Why a subscription was refused: the worker turns it into a problem. */
export type SubscribeRefusal = { refused: "stream" | "holder"; limit: number };

/** Why a hub ends a stream with a `reset` event: the client must refetch before following again. */
export type ResetReason = StreamReset["reason"];

/** One frame of a stream: an event of the log (with its seq as `id`), or one without (`activity`, `reset`…). */
export interface Frame {
  id?: number;
  event: string;
  data: unknown;
  /** The holder whose stream ends after this frame, with `access_removed`: it was just removed from the thread. */
  endsFor?: string;
}

/** A watcher, whatever carries it: an SSE stream or a WebSocket. */
export interface Watcher {
  holder: string;
  /** The last seq sent: the next event it gets is lastSeq + 1, never another. */
  lastSeq: number;
  openedAt: number;
  send: (frame: Frame) => void;
  /** After sending an event: remember where the watcher is. */
  advance: (seq: number) => void;
  /** SSE: a comment, so proxies keep the connection; WebSockets keep theirs with the client's pings. */
  heartbeat: () => void;
  /** Ends the stream; `reset` after a reset frame (WebSockets close with RESET_CLOSE_CODE). */
  close: (why: "reset" | "age") => void;
}

import { createParser } from "eventsource-parser";
import { expect } from "vitest";
import { assertFrameMatchesContract, type FrameSchema } from "./contract";

/** One server-sent event as a client sees it, its data parsed; comments (heartbeats) kept apart. */
export interface Frame {
  id?: string;
  event: string;
  data: { seq?: number; type?: string; data?: unknown; reason?: string } & Record<string, unknown>;
}

/**
 * Reads a live stream the way an SSE client does (eventsource-parser), checking every frame against
 * the spec (a thread's frames unless told otherwise). `next()` waits for the next event (or fails after `timeoutMs`); `close()` lets go of it.
 */
export const readEventStream = (response: Response, schema: FrameSchema = "ThreadStreamFrame") => {
  if (!response.body) throw new Error("the stream has no body");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const frames: Frame[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  let ended = false;
  const parser = createParser({
    onEvent: (message) => {
      const frame: Frame = {
        ...(message.id === undefined ? {} : { id: message.id }),
        event: message.event ?? "message",
        data: JSON.parse(message.data),
      };
      assertFrameMatchesContract(frame, schema);
      frames.push(frame);
    },
    onComment: (comment) => comments.push(comment.trim()),
    onRetry: (ms) => {
      retry = ms;
    },
  });
  /** Reads until `done()` holds or the stream ends; false on timeout or end. */
  const readUntil = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (ended) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      const result = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (result === "timeout") return false;
      if (result.done) ended = true;
      else parser.feed(result.value);
    }
    return true;
  };
  let taken = 0;
  return {
    /** Every frame received so far. */
    frames,
    comments,
    get retry() {
      return retry;
    },
    get ended() {
      return ended;
    },
    /** The next `count` events not yet taken. */
    take: async (count: number, timeoutMs = 10_000) => {
      if (!(await readUntil(() => frames.length >= taken + count, timeoutMs))) {
        throw new Error(
          `expected ${count} more events, got ${frames.length - taken}: ${JSON.stringify(frames.slice(taken))}`,
        );
      }
      taken += count;
      return frames.slice(taken - count, taken);
    },
    /** Waits for a heartbeat comment. */
    heartbeat: (timeoutMs: number) => readUntil(() => comments.includes("heartbeat"), timeoutMs),
    /** Reads for `ms` and returns what came (to prove nothing more does). */
    idle: async (ms: number) => {
      await readUntil(() => false, ms);
      return frames.slice(taken);
    },
    /** Waits for the server to end the stream. */
    end: (timeoutMs = 10_000) => readUntil(() => ended, timeoutMs),
    close: () => reader.cancel().catch(() => {}),
  };
};

/**
 * A WebSocket on a live stream (`path`, upgraded by `http`), as a client holds one: its JSON frames
 * checked against the spec and collected, `pong`s counted, and how it closed.
 */
export const connectSocket = async (
  http: (path: string, init?: RequestInit) => Promise<Response>,
  path: string,
  schema: FrameSchema = "ThreadStreamFrame",
) => {
  const response = await http(path, { headers: { Upgrade: "websocket" } });
  expect(response.status, response.status === 101 ? "" : await response.clone().text()).toBe(101);
  const ws = response.webSocket;
  if (!ws) throw new Error("no WebSocket in the 101");
  ws.accept();
  const frames: Frame[] = [];
  let pongs = 0;
  let closed: { code: number; reason: string } | undefined;
  ws.addEventListener("message", (event) => {
    if (event.data === "pong") {
      pongs += 1;
      return;
    }
    const frame = JSON.parse(String(event.data)) as Frame;
    assertFrameMatchesContract(frame, schema);
    frames.push(frame);
  });
  ws.addEventListener("close", (event) => {
    closed = { code: event.code, reason: event.reason };
  });
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { ws, frames, until, pongs: () => pongs, closed: () => closed };
};

import type { Logger } from "../logging";
import { commentFrame, eventFrame, retryFrame } from "./sse-frames";
import { MAX_QUEUED_BYTES, RETRY_MS } from "./stream-config";
import type { SubscribeRequest, Watcher } from "./watcher";

/**
 * A watcher over server-sent events: the stream the worker hands to the client, and the watcher the hub sends
 * frames to. Writes are never awaited: a client that stops reading fills its own queue and is dropped (`drop`),
 * without holding up the others. `joined` is called once the hub has taken the watcher on.
 */
export const sseStream = (request: SubscribeRequest, hooks: { drop: (watcher: Watcher) => void; logger: Logger }) => {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
    undefined,
    new ByteLengthQueuingStrategy({ highWaterMark: MAX_QUEUED_BYTES }),
  );
  const writer = writable.getWriter();
  const opened = { request_id: request.requestId, transport: "sse", holder: request.holder };
  let endedWhy: string | undefined;
  const ended = (why: string) => {
    if (endedWhy !== undefined) return;
    endedWhy = why;
    hooks.logger.info("stream ended", { ...opened, why, last_seq: watcher.lastSeq });
  };
  const write = (bytes: Uint8Array) => {
    const room = writer.desiredSize;
    if (room !== null && room <= 0) {
      // A client that stops reading gets nothing more: its stream ends after what is queued (at
      // most about MAX_QUEUED_BYTES), so if it reads again it reconnects and resumes with
      // Last-Event-ID; meanwhile it holds no place and no more memory.
      hooks.drop(watcher);
      ended("slow");
      writer.close().catch(() => {});
      return;
    }
    writer.write(bytes).catch(() => hooks.drop(watcher));
  };
  const watcher: Watcher = {
    holder: request.holder,
    lastSeq: request.after,
    openedAt: Date.now(),
    send: (frame) => write(eventFrame(frame.id ?? null, frame.event, frame.data)),
    advance: (seq) => {
      watcher.lastSeq = seq;
    },
    heartbeat: () => write(commentFrame("heartbeat")),
    close: (why) => {
      hooks.drop(watcher);
      writer.close().catch(() => {});
      ended(why);
    },
  };
  write(retryFrame(RETRY_MS));
  const joined = () => {
    hooks.logger.info("stream opened", { ...opened, after: request.after });
    // The client went away: its stream was cancelled.
    writer.closed.then(
      () => ended("closed"),
      () => {
        hooks.drop(watcher);
        ended("client");
      },
    );
  };
  return { readable, watcher, joined };
};

import type { Context } from "hono";
import { principalOf } from "../auth/access";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { Status } from "../http/status";
import { streamConfig } from "./stream-config";

/** Seconds a refused client should wait: about one heartbeat, by when watchers may have left. */
const RETRY_AFTER_SECONDS = 15;

export const threadHubOf = (c: Context<AppEnv>, threadId: string) =>
  c.env.THREAD_HUB.get(c.env.THREAD_HUB.idFromName(threadId));

/**
 * The live stream of a thread the caller may read: the thread's hub sends every event after
 * `after`, then the new ones. The hub holds the connection; this worker only passes it through.
 */
export const streamThreadEvents = async (c: Context<AppEnv>, threadId: string, after: number) => {
  const principal = principalOf(c);
  const stream = await threadHubOf(c, threadId).subscribe({
    threadId,
    after,
    holder: `${principal.kind}:${principal.id}`,
  });
  if ("refused" in stream) {
    const { maxPerThread, maxPerHolder } = streamConfig(c.env);
    throw new ApiError(
      "too-many-streams",
      stream.refused === "thread"
        ? `This thread has ${maxPerThread} live streams, as many as it serves (STREAM_MAX_PER_THREAD).`
        : `You have ${maxPerHolder} live streams on this thread, as many as one user or key may (STREAM_MAX_PER_HOLDER).`,
      { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } },
    );
  }
  return c.body(stream, Status.OK, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    // Proxies such as nginx would otherwise hold events back to fill a buffer.
    "X-Accel-Buffering": "no",
  });
};

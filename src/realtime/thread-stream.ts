import type { Context } from "hono";
import { principalOf } from "../auth/access";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { Status } from "../http/status";
import { streamConfig } from "./stream-config";
import type { SubscribeRefusal } from "./thread-hub";

/** Seconds a refused client should wait: about one heartbeat, by when watchers may have left. */
const RETRY_AFTER_SECONDS = 15;

export const threadHubOf = (c: Context<AppEnv>, threadId: string) =>
  c.env.THREAD_HUB.get(c.env.THREAD_HUB.idFromName(threadId));

const holderOf = (c: Context<AppEnv>) => {
  const principal = principalOf(c);
  return `${principal.kind}:${principal.id}`;
};

const tooManyStreams = (c: Context<AppEnv>, refusal: SubscribeRefusal) => {
  const { maxPerThread, maxPerHolder } = streamConfig(c.env);
  return new ApiError(
    "too-many-streams",
    refusal.refused === "thread"
      ? `This thread has ${maxPerThread} live streams, as many as it serves (STREAM_MAX_PER_THREAD).`
      : `You have ${maxPerHolder} live streams on this thread, as many as one user or key may (STREAM_MAX_PER_HOLDER).`,
    { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } },
  );
};

/** Whether the request asks to upgrade to a WebSocket. */
export const wantsWebSocket = (c: Context<AppEnv>) => c.req.header("Upgrade")?.toLowerCase() === "websocket";

/**
 * The same stream over a WebSocket (hibernatable: the hub may sleep while it is open): the hub
 * accepts it and answers the upgrade.
 */
export const socketThreadEvents = async (c: Context<AppEnv>, threadId: string, after: number) => {
  const response = await threadHubOf(c, threadId).fetch(
    new Request("https://thread-hub/events", {
      headers: { Upgrade: "websocket", "X-Thread-Id": threadId, "X-After": String(after), "X-Holder": holderOf(c) },
    }),
  );
  if (response.status === Status.TOO_MANY_REQUESTS) throw tooManyStreams(c, await response.json<SubscribeRefusal>());
  // A response of our own: the hub's has immutable headers, which middleware adds to.
  return new Response(null, { status: Status.SWITCHING_PROTOCOLS, webSocket: response.webSocket });
};

/**
 * The live stream of a thread the caller may read: the thread's hub sends every event after
 * `after`, then the new ones. The hub holds the connection; this worker only passes it through.
 */
export const streamThreadEvents = async (c: Context<AppEnv>, threadId: string, after: number) => {
  const stream = await threadHubOf(c, threadId).subscribe({ threadId, after, holder: holderOf(c) });
  if ("refused" in stream) throw tooManyStreams(c, stream);
  return c.body(stream, Status.OK, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    // Proxies such as nginx would otherwise hold events back to fill a buffer.
    "X-Accel-Buffering": "no",
  });
};

import type { Context } from "hono";
import { principalOf } from "../auth/access";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { Status } from "../http/status";
import { threadHub, userHub } from "./hubs";
import type { LogHub } from "./log-hub";
import { subscriptionHeaders } from "./socket-transport";
import { streamConfig } from "./stream-config";
import type { SubscribeRefusal } from "./watcher";

/** Seconds a refused client should wait: about one heartbeat, by when watchers may have left. */
const RETRY_AFTER_SECONDS = 15;

/** Whose log a stream follows: a thread's, or the caller's own user stream. */
export type LogKind = "thread" | "user";

const hubOf = (c: Context<AppEnv>, kind: LogKind, logId: string): DurableObjectStub<LogHub> =>
  kind === "thread" ? threadHub(c.env, logId) : userHub(c.env, logId);

const holderOf = (c: Context<AppEnv>) => {
  const principal = principalOf(c);
  return `${principal.kind}:${principal.id}`;
};

const tooManyStreams = (c: Context<AppEnv>, kind: LogKind, refusal: SubscribeRefusal) => {
  const { maxPerHolder } = streamConfig(c.env);
  const detail =
    kind === "user"
      ? `You have ${maxPerHolder} live streams of your user stream, as many as one user may (STREAM_MAX_PER_HOLDER).`
      : refusal.refused === "stream"
        ? `This thread has ${refusal.limit} live streams, as many as it serves (STREAM_MAX_PER_THREAD).`
        : `You have ${maxPerHolder} live streams on this thread, as many as one user or key may (STREAM_MAX_PER_HOLDER).`;
  return new ApiError("too-many-streams", detail, { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
};

/** Whether the request asks to upgrade to a WebSocket. */
export const wantsWebSocket = (c: Context<AppEnv>) => c.req.header("Upgrade")?.toLowerCase() === "websocket";

/**
 * The same stream over a WebSocket (hibernatable: the hub may sleep while it is open): the hub
 * accepts it and answers the upgrade.
 */
export const socketEvents = async (c: Context<AppEnv>, kind: LogKind, logId: string, after: number) => {
  const response = await hubOf(c, kind, logId).fetch(
    new Request("https://hub/events", {
      headers: subscriptionHeaders({ logId, after, holder: holderOf(c), requestId: c.get("requestId") }),
    }),
  );
  if (response.status === Status.TOO_MANY_REQUESTS) {
    throw tooManyStreams(c, kind, await response.json<SubscribeRefusal>());
  }
  // A response of our own: the hub's has immutable headers, which middleware adds to.
  return new Response(null, { status: Status.SWITCHING_PROTOCOLS, webSocket: response.webSocket });
};

/**
 * The live stream of a log the caller may read: its hub sends every event after `after`, then the
 * new ones. The hub holds the connection; this worker only passes it through.
 */
export const streamEvents = async (c: Context<AppEnv>, kind: LogKind, logId: string, after: number) => {
  const stream = await hubOf(c, kind, logId).subscribe({
    logId,
    after,
    holder: holderOf(c),
    requestId: c.get("requestId"),
  });
  if ("refused" in stream) throw tooManyStreams(c, kind, stream);
  return c.body(stream, Status.OK, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    // Proxies such as nginx would otherwise hold events back to fill a buffer.
    "X-Accel-Buffering": "no",
  });
};

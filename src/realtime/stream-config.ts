import type { Bindings } from "../env";

/** Live-stream settings from wrangler.jsonc vars; the defaults are what the README documents. */
export const streamConfig = (env: Bindings) => ({
  /** A comment line this often keeps proxies from closing an idle stream; also when lost notifications are caught up. */
  heartbeatSeconds: Number(env.STREAM_HEARTBEAT_SECONDS ?? 15),
  /** Open streams on one thread, all watchers together. */
  maxPerThread: Number(env.STREAM_MAX_PER_THREAD ?? 1000),
  /** Open streams on one thread by the same user or API key (tabs, devices). */
  maxPerHolder: Number(env.STREAM_MAX_PER_HOLDER ?? 10),
  /** A STREAMING message whose author sends nothing for this long becomes INCOMPLETE. */
  messageIdleSeconds: Number(env.MESSAGE_STREAM_IDLE_SECONDS ?? 300),
});

/** The `retry:` hint: how long an EventSource waits before reconnecting. */
export const RETRY_MS = 3000;
/** A stream is closed after this long, so a revoked session or key stops receiving; clients resume. */
export const MAX_STREAM_AGE_MS = 60 * 60 * 1000;
/** Frames queued for one watcher beyond which it is dropped as too slow, so it never holds memory. */
export const MAX_QUEUED_BYTES = 1024 * 1024;

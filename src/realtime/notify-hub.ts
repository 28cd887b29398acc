import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { inBackground } from "../http/background";
import type { MessageDelta } from "../routes/events/events.schemas";
import { threadHubOf, userHubOf } from "./streams";

/** Every write to a thread is under its path (messages, reactions, memory, artifacts, interactions). */
const THREAD_PATH = /^\/threads\/([^/]+)(?:\/|$)/;
/** Activity statuses and deltas of streamed replies reach the hub directly and write nothing to the log. */
const NOT_LOGGED = /^\/threads\/[^/]+\/(?:activity|messages\/[^/]+\/deltas)$/;
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * After a write to a thread succeeded (a 2xx: its D1 batch committed), pokes the thread's hub so
 * live streams get the new events now. The poke carries nothing: the hub reads the log, so a poke
 * that fails or a write that answered otherwise only waits for the hub's next heartbeat.
 */
export const notifyThreadHub: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (READS.has(c.req.method) || c.res.status >= 300) return;
  const threadId = THREAD_PATH.exec(c.req.path)?.[1];
  if (threadId === undefined || NOT_LOGGED.test(c.req.path)) return;
  await notifyThread(c, threadId);
};

/** After a write that put an event on the thread's log: pokes its hub (in the background; see notifyThreadHub). */
export const notifyThread = (c: Context<AppEnv>, threadId: string) =>
  inBackground(c, "notifying the thread hub", threadHubOf(c, threadId).poke(threadId));

/**
 * Tells the thread's hub that a streamed message started (`delta` null) or grew, after D1 stored
 * it. Awaited, so an author's successive deltas reach watchers in order; a failure is logged, not
 * answered: the text is stored, and the message.updated event that ends the stream carries it all.
 */
export const notifyStreamed = async (c: Context<AppEnv>, threadId: string, seq: number, delta: MessageDelta | null) => {
  try {
    await threadHubOf(c, threadId).streamed(threadId, seq, delta);
  } catch (error) {
    c.get("logger")?.error("notifying the thread hub of a streamed message failed", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
};

/** After a write that put an event on the thread owner's user stream (see copyToOwner): pokes their hub. */
export const notifyOwner = (c: Context<AppEnv>, ownerId: string) =>
  inBackground(c, "notifying the user hub", userHubOf(c, ownerId).poke(ownerId));

import { inBackground, type Runtime } from "../http/background";
import type { Committed } from "../repositories/thread-log";
import { enqueueDeliveries } from "../webhooks/enqueue";
import { logHubOf } from "./hub-of";

/**
 * What follows every committed write to a thread's log, wherever it was made (a request, a hub timing a
 * streamed message out): the thread's hub is poked, so its live streams read the new events now, and so is
 * the hubs of the users whose streams got a copy; the webhook deliveries written with the events are queued.
 * A poke carries nothing — hubs read the log, the consumer reads the delivery rows — so a poke that is lost
 * only waits for the hub's next heartbeat or the webhook sweep; it runs after the answer and never fails the
 * write. This is the one place later consumers of the log hang on.
 */
export const publish = async (runtime: Runtime, ...commits: (Committed | null)[]) => {
  const committed = commits.filter((commit) => commit !== null);
  const threads = new Set(committed.map((commit) => commit.threadId));
  const users = new Set(committed.flatMap((commit) => commit.copiedTo));
  for (const threadId of threads) {
    await inBackground(runtime, "notifying the thread hub", logHubOf(runtime.env.THREAD_HUB, threadId).poke(threadId));
  }
  for (const userId of users) {
    await inBackground(runtime, "notifying the user hub", logHubOf(runtime.env.USER_HUB, userId).poke(userId));
  }
  const deliveries = committed.flatMap((commit) => commit.deliveries);
  const queue = runtime.env.WEBHOOKS;
  if (deliveries.length > 0 && queue) {
    await inBackground(runtime, "queueing webhook deliveries", enqueueDeliveries(queue, deliveries));
  }
};

/** A thread was deleted with its log: its hub ends its live streams (a `reset` with `thread_deleted`). */
export const publishDeletion = (runtime: Runtime, threadId: string) =>
  inBackground(runtime, "notifying the thread hub", logHubOf(runtime.env.THREAD_HUB, threadId).poke(threadId));

/** A user's own stream got an event of theirs alone (a read mark moved): their hub reads it now. */
export const publishToUser = (runtime: Runtime, userId: string) =>
  inBackground(runtime, "notifying the user hub", logHubOf(runtime.env.USER_HUB, userId).poke(userId));

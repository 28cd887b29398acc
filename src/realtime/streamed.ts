import { loggerOf, type Runtime } from "../http/background";
import { errorMessage } from "../logging";
import type { MessageDelta } from "../wire/stream-frames";
import { threadHub } from "./hubs";

/**
 * A streamed message started (`delta` null) or grew, after D1 stored it: not a logged change, so the thread's
 * hub is told directly. Awaited, so an author's successive deltas reach watchers in order; a failure is
 * logged, not answered: the text is stored, and the message.updated event that ends the stream carries it.
 */
export const publishStreamed = async (runtime: Runtime, threadId: string, seq: number, delta: MessageDelta | null) => {
  try {
    await threadHub(runtime.env, threadId).streamed(threadId, seq, delta);
  } catch (error) {
    loggerOf(runtime)?.error("notifying the thread hub of a streamed message failed", { error: errorMessage(error) });
  }
};

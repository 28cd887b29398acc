import type { Bindings } from "../env";
import { logHubOf } from "./hub-of";
import type { ThreadHub } from "./thread-hub";
import type { UserHub } from "./user-hub";

/** The Durable Object of one thread: its live streams, activity statuses and streamed replies. */
export const threadHub = (env: Bindings, threadId: string) => logHubOf<ThreadHub>(env.THREAD_HUB, threadId);

/** The Durable Object of one user's own stream. */
export const userHub = (env: Bindings, userId: string) => logHubOf<UserHub>(env.USER_HUB, userId);

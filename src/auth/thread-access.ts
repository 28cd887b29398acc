import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import { principalOf } from "./access";
import { threadScopeOf } from "./reach";

export const threadNotFound = (id: string) => new ApiError("not-found", `No thread with id ${id}.`);

export const threadArchived = (id: string) =>
  new ApiError("thread-archived", `Thread ${id} is archived; set its status to ACTIVE first.`);

/** The threads the caller reaches (see ./reach.ts), for reads that take the scope. */
export const callersThreads = (c: Context<AppEnv>) => threadScopeOf(principalOf(c));

/**
 * The thread as read within the caller's reach (`callersThreads`), or the same 404 as for a thread that
 * does not exist, so ids reveal nothing.
 */
export const assertReachable = <T>(id: string, thread: T | null) => {
  if (!thread) throw threadNotFound(id);
  return thread;
};

/** The thread's owner, status and event counter, when the caller reaches it: one read, membership included. */
export const reachableThread = async (c: Context<AppEnv>, id: string) =>
  assertReachable(id, await repositories(c).threads.findForAccess(id, callersThreads(c)));

/** As reachableThread, and the thread must accept changes to what is in it. */
export const writableThread = async (c: Context<AppEnv>, id: string) => {
  const thread = await reachableThread(c, id);
  if (thread.status === "ARCHIVED") throw threadArchived(id);
  return thread;
};

/** Why a guarded write refused (when not for the message itself): the thread is gone (404) or archived (409). */
export const assertThreadStillWritable = async (c: Context<AppEnv>, id: string) => {
  const thread = await repositories(c).threads.findForAccess(id, null);
  if (!thread) throw threadNotFound(id);
  if (thread.status === "ARCHIVED") throw threadArchived(id);
};

import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import { principalOf } from "./access";
import { assertCanReach } from "./ownership";

export const threadNotFound = (id: string) => new ApiError("not-found", `No thread with id ${id}.`);

export const threadArchived = (id: string) =>
  new ApiError("thread-archived", `Thread ${id} is archived; set its status to ACTIVE first.`);

/**
 * The thread (as read), when the caller may reach it: its owner, admins and API keys (whose scope
 * the route already checked). Everyone else gets the same 404 as for a thread that does not exist,
 * so ids reveal nothing.
 */
export const assertReachable = <T extends { ownerId: string }>(c: Context<AppEnv>, id: string, thread: T | null) => {
  if (!thread) throw threadNotFound(id);
  assertCanReach(principalOf(c), thread.ownerId, () => threadNotFound(id));
  return thread;
};

/** The thread's owner, status and event counter, when the caller may reach it (see assertReachable). */
export const reachableThread = async (c: Context<AppEnv>, id: string) =>
  assertReachable(c, id, await repositories(c).threads.findForAccess(id));

/** As reachableThread, and the thread must accept changes to what is in it. */
export const writableThread = async (c: Context<AppEnv>, id: string) => {
  const thread = await reachableThread(c, id);
  if (thread.status === "ARCHIVED") throw threadArchived(id);
  return thread;
};

/** Why a guarded write refused (when not for the message itself): the thread is gone (404) or archived (409). */
export const assertThreadStillWritable = async (c: Context<AppEnv>, id: string) => {
  const thread = await repositories(c).threads.findForAccess(id);
  if (!thread) throw threadNotFound(id);
  if (thread.status === "ARCHIVED") throw threadArchived(id);
};

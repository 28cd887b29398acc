import type { Context } from "hono";
import type { AppEnv, Bindings } from "../env";
import { errorMessage, type Logger } from "../logging";

/**
 * Where work runs that must not hold up an answer: a request (its context), or one of the worker's own
 * runs — a hub's alarm, the queue consumer, the cron — with its bindings, its `waitUntil` and its logger.
 */
export type Runtime = Context<AppEnv> | { env: Bindings; waitUntil?: (task: Promise<unknown>) => void; logger: Logger };

const isRequest = (runtime: Runtime): runtime is Context<AppEnv> => "req" in runtime;

/** The runtime's logger: the request's (with its id), or the run's own. */
export const loggerOf = (runtime: Runtime): Logger | undefined =>
  isRequest(runtime) ? runtime.get("logger") : runtime.logger;

/** The request's `waitUntil`, when the runtime gave it one (`app.request` in tests does not). */
const waitUntilOf = (c: Context<AppEnv>) => {
  try {
    const executionCtx = c.executionCtx;
    return (task: Promise<unknown>) => executionCtx.waitUntil(task);
  } catch {
    // Hono throws when the request came without an execution context.
    return undefined;
  }
};

/**
 * Runs `task` after the answer when the runtime allows it (`waitUntil`), inline otherwise; a failure is logged
 * as `<what> failed`, never thrown at the caller.
 */
export const inBackground = async (runtime: Runtime, what: string, task: Promise<unknown>) => {
  const logged = task.catch((error: unknown) =>
    loggerOf(runtime)?.error(`${what} failed`, { error: errorMessage(error) }),
  );
  const waitUntil = isRequest(runtime) ? waitUntilOf(runtime) : runtime.waitUntil;
  if (waitUntil) waitUntil(logged);
  else await logged;
};

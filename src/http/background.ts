import type { Context } from "hono";
import type { AppEnv } from "../env";

/**
 * Runs `task` after the response when the runtime allows it (`waitUntil`), inline otherwise (e.g.
 * `app.request`); a failure is logged as `<what> failed`, never thrown at the caller.
 */
export const inBackground = async (c: Context<AppEnv>, what: string, task: Promise<unknown>) => {
  const logged = task.catch((error: unknown) => {
    c.get("logger")?.error(`${what} failed`, { error: error instanceof Error ? error.message : String(error) });
  });
  let executionCtx: Context<AppEnv>["executionCtx"] | undefined;
  try {
    executionCtx = c.executionCtx;
  } catch {
    // Hono throws when the request came without an execution context.
  }
  if (executionCtx) executionCtx.waitUntil(logged);
  else await logged;
};

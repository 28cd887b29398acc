import type { Context } from "hono";
import { principalOf } from "../auth/access";
import type { AppEnv } from "../env";
import { type Feature, missingFor } from "../features";
import { ApiError } from "../http/api-error";
import { errorMessage } from "../logging";
import { CALLER_HEADER, callerSummaryOf } from "../principal";

/** A worker deployed beside the API and reached through a service binding: MCP (src/mcp), chat (src/chat). */
export interface CompanionWorker {
  feature: Feature;
  /** What the worker is, for problems and logs ("The MCP worker"). */
  name: string;
  /** Its wrangler configuration, named in the problem when it is missing or does not answer. */
  config: string;
  binding: (env: AppEnv["Bindings"]) => Fetcher | undefined;
}

/** The binding is there but the worker behind it does not answer (in `wrangler dev`: not started beside the API). */
export const unreachable = (worker: CompanionWorker) =>
  new ApiError(
    "feature-not-configured",
    `${worker.name} behind the ${worker.feature.toUpperCase()} binding does not answer; deploy ${worker.config} (\`npm run dev\` runs it locally).`,
  );

/**
 * Forwards an authenticated request to a companion worker, saying who the caller is (`X-Forwarded-Caller`);
 * the credentials go along, and every operation the worker makes comes back here as that operation.
 * No binding → 503 naming it; a worker that cannot be reached → 503.
 */
export const forwardTo = async (c: Context<AppEnv>, worker: CompanionWorker, init: RequestInit): Promise<Response> => {
  const fetcher = worker.binding(c.env);
  const missing = missingFor(c.env, worker.feature);
  if (missing.length > 0 || !fetcher) {
    throw new ApiError(
      "feature-not-configured",
      `${worker.name} needs the ${missing.join(", ")} service binding (${worker.config}).`,
    );
  }
  const headers = new Headers(c.req.raw.headers);
  for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
  headers.set(CALLER_HEADER, JSON.stringify(callerSummaryOf(principalOf(c))));
  headers.set("X-Request-Id", c.get("requestId"));
  return fetcher.fetch(new Request(c.req.url, { ...init, headers })).catch((error: unknown) => {
    c.get("logger").error(`${worker.name} cannot be reached`, { error: errorMessage(error) });
    throw unreachable(worker);
  });
};

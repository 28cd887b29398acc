import type { Context, MiddlewareHandler } from "hono";
import { endTime, startTime } from "hono/timing";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { errorMessage } from "../logging";

/** One limit: which binding counts it, what it advertises, and whom each budget belongs to. */
export interface RateLimitPolicy {
  /** Names the policy in `RateLimit-Policy` / `RateLimit` and prefixes every key, so budgets never mix. */
  name: "reads" | "writes" | "deltas" | "auth";
  binding: "READ_RATE_LIMITER" | "WRITE_RATE_LIMITER" | "DELTA_RATE_LIMITER" | "AUTH_RATE_LIMITER";
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** "principal": per caller, falling back to the client IP when anonymous; "ip": per client IP. */
  key: "principal" | "ip";
}

// The binding enforces its own `simple` config; these numbers are only what we advertise in the
// headers, so they MUST match wrangler.jsonc's `ratelimits` (top level and env.production).

/**
 * Every read (and the public pages: health, the spec, the docs, signed downloads) has a budget too, so one
 * token or key cannot scrape or load the service without limit: generous, per principal (client IP when
 * anonymous), and apart from writes, so reading never spends what writing needs.
 */
export const readRateLimit = {
  name: "reads",
  binding: "READ_RATE_LIMITER",
  limit: 600,
  windowSeconds: 60,
  key: "principal",
} as const satisfies RateLimitPolicy;

export const writeRateLimit = {
  name: "writes",
  binding: "WRITE_RATE_LIMITER",
  limit: 60,
  windowSeconds: 60,
  key: "principal",
} as const satisfies RateLimitPolicy;

/** Streamed replies append many small deltas (tokens): their own, larger budget, per principal. */
export const deltaRateLimit = {
  name: "deltas",
  binding: "DELTA_RATE_LIMITER",
  limit: 1200,
  windowSeconds: 60,
  key: "principal",
} as const satisfies RateLimitPolicy;

export const authRateLimit = {
  name: "auth",
  binding: "AUTH_RATE_LIMITER",
  limit: 10,
  windowSeconds: 60,
  key: "ip",
} as const satisfies RateLimitPolicy;

/** Cloudflare sets CF-Connecting-IP on every request at the edge; only local tooling may omit it. */
const clientIp = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "unknown";

/** `<policy>:<kind>:<id>`: the kind keeps a user id, an API key id and an IP from ever sharing a budget. */
const keyFor = (c: Context<AppEnv>, policy: RateLimitPolicy) => {
  const principal = policy.key === "principal" ? c.get("principal") : undefined;
  return principal ? `${policy.name}:${principal.kind}:${principal.id}` : `${policy.name}:ip:${clientIp(c)}`;
};

/** IETF httpapi-ratelimit-headers (draft-09 and later) structured-field forms. */
const policyHeader = (policy: RateLimitPolicy) => `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`;
const exhaustedHeader = (policy: RateLimitPolicy) => `"${policy.name}";r=0;t=${policy.windowSeconds}`;

/**
 * Counts the request against the policy's Workers rate-limit binding and answers 429 `rate-limited`
 * once the budget is spent. Mount it after authentication so `principal` is set. The binding only
 * says yes or no (no remaining count, no reset time), so passing responses carry just
 * `RateLimit-Policy`; `RateLimit` (r=0) is sent only on the 429, and `Retry-After` is the whole
 * window because we cannot know how much of it is left.
 */
export const rateLimit =
  (policy: RateLimitPolicy): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const advertised = policyHeader(policy);
    const limiter: RateLimit | undefined = c.env[policy.binding];
    // A missing binding is a deployment mistake: fail loudly (500) rather than silently not limiting.
    if (!limiter) throw new Error(`rate-limit binding ${policy.binding} is not configured`);
    let success = true;
    startTime(c, "ratelimit", "Rate limiter");
    try {
      ({ success } = await limiter.limit({ key: keyFor(c, policy) }));
    } catch (error) {
      // Fail open: an unavailable limiter must not take every write (or sign-in) down with it.
      c.get("logger")?.error("rate limiter unavailable", {
        policy: policy.name,
        error: errorMessage(error),
      });
    } finally {
      endTime(c, "ratelimit");
    }
    if (!success) {
      throw new ApiError(
        "rate-limited",
        `Too many requests; at most ${policy.limit} every ${policy.windowSeconds} seconds.`,
        {
          headers: {
            "Retry-After": String(policy.windowSeconds),
            RateLimit: exhaustedHeader(policy),
            "RateLimit-Policy": advertised,
          },
        },
      );
    }
    await next();
    // Also on error responses from further down: the request still counted against the budget.
    c.header("RateLimit-Policy", advertised);
  };

import type { Context, MiddlewareHandler } from "hono";
import { endTime, startTime } from "hono/timing";
import type { AppEnv } from "../env";
import type { Role } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import type { Principal } from "../principal";
import type { Scope } from "../schemas/api-keys";
import { resolvePrincipal } from "./authenticate";
import { principalOfStreamToken } from "./stream-tokens";

/**
 * Who may call an operation. One rule per route feeds both the enforcement (`requireAccess`) and
 * the contract (`security` + `x-access`), and the access-matrix test reads `x-access` back.
 */
export interface AccessRule {
  /** Roles of signed-in users that may call it. */
  roles: readonly Role[];
  /** The scope an API key needs; without one (and without `anyScope`), API keys may not call it at all. */
  scope?: Scope;
  /** Any API key may call it, whatever its scopes (what it can do there is decided by them, operation by operation). */
  anyScope?: true;
  /** "self": users other than admins only reach their own resource (others get 404). */
  ownership?: "self";
  /**
   * How far member-only API keys reach (workspace-wide keys and admins reach everything; see ./reach.ts):
   * "thread": only into threads they were added to; "own": only what they made. Others get 404.
   */
  memberKeys?: "thread" | "own";
  /**
   * An event stream, which also takes a stream token as `?token=` (see ./stream-tokens.ts): the
   * stream of the thread in the path, or the caller's own user stream.
   */
  streamToken?: "thread" | "user";
}

/** Whether the request asks for the event stream rather than JSON. */
export const wantsEventStream = (c: Context<AppEnv>) => (c.req.header("Accept") ?? "").includes("text/event-stream");

/**
 * Header credentials when sent; else, where the rule allows, a stream token, which opens the
 * event stream it was issued for and nothing else (not even the same path's JSON).
 */
const callerOf = async (c: Context<AppEnv>, rule: AccessRule) => {
  const token = rule.streamToken ? c.req.query("token") : undefined;
  if (token === undefined || c.req.header("Authorization") !== undefined || c.req.header("X-API-Key") !== undefined) {
    return resolvePrincipal(c);
  }
  if (!wantsEventStream(c) && c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(
      "unauthorized",
      "A stream token opens the event stream only: send Accept: text/event-stream, or upgrade to a WebSocket.",
    );
  }
  return principalOfStreamToken(c, token, rule.streamToken === "thread" ? `thread:${c.req.param("id")}` : "user");
};

export const ALL_ROLES: readonly Role[] = ["ADMIN", "USER", "VIEWER"];

export const unauthenticated = () =>
  new ApiError("unauthorized", "Send an access token or API key: Authorization: Bearer <token>.", {
    headers: { "WWW-Authenticate": 'Bearer realm="experience-layer"' },
  });

/** The caller of a guarded operation (its access rule has already admitted it). */
export const principalOf = (c: Context<AppEnv>): Principal => {
  const principal = c.get("principal");
  if (!principal) throw unauthenticated();
  return principal;
};

const requireAccess =
  (rule: AccessRule): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    // Its own Server-Timing metric: verifying the credentials and checking the session or key.
    startTime(c, "auth", "Credentials");
    const principal = await callerOf(c, rule).finally(() => endTime(c, "auth"));
    if (!principal) throw unauthenticated();
    c.set("principal", principal);
    if (principal.kind === "api_key") {
      if (rule.anyScope) return next();
      if (!rule.scope) throw new ApiError("forbidden", "API keys cannot call this operation; sign in as a user.");
      if (!principal.scopes.includes(rule.scope)) {
        throw new ApiError("forbidden", `This API key lacks the ${rule.scope} scope.`);
      }
    } else if (!rule.roles.includes(principal.role)) {
      throw new ApiError("forbidden", `Your role (${principal.role}) may not do this.`);
    }
    await next();
  };

/** Spread into `createRoute`: security + `x-access` for the spec, the check as route middleware. */
export const guarded = <M extends MiddlewareHandler<AppEnv>[]>(rule: AccessRule, ...middleware: M) => ({
  security: [
    { bearerAuth: [] },
    ...(rule.scope || rule.anyScope ? [{ apiKeyAuth: [] }] : []),
    ...(rule.streamToken ? [{ streamToken: [] }] : []),
  ] as Record<string, string[]>[],
  "x-access": {
    roles: [...rule.roles],
    ...(rule.scope ? { scope: rule.scope } : {}),
    ...(rule.anyScope ? { anyScope: true } : {}),
    ...(rule.ownership ? { ownership: rule.ownership } : {}),
    ...(rule.memberKeys ? { memberKeys: rule.memberKeys } : {}),
  },
  // A tuple, not an array: @hono/zod-openapi derives the handler's types from it.
  middleware: [requireAccess(rule), ...middleware] as [MiddlewareHandler<AppEnv>, ...M],
});

/** Spread into `createRoute` of an operation anyone may call. */
export const publicAccess = <M extends MiddlewareHandler<AppEnv>[]>(...middleware: M) => ({
  security: [] as Record<string, string[]>[],
  "x-access": { public: true },
  middleware,
});

import type { RouteHandler } from "@hono/zod-openapi";
import { clientInfo } from "../../auth/client-info";
import { sessionCache } from "../../auth/session-cache";
import { endSession, refreshSession, startSession } from "../../auth/sessions";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import type { devSignIn, refreshTokens, signOut } from "./auth.routes";

export const devSignInHandler: RouteHandler<typeof devSignIn, AppEnv> = async (c) => {
  // Outside development this operation does not exist, exactly like an unknown route.
  if (c.env.ENVIRONMENT !== "development") {
    throw new ApiError("not-found", `No route matches ${c.req.method} ${c.req.path}.`);
  }
  const { email, name, role } = c.req.valid("json");
  const user = await repositories(c).users.upsertByEmail(email.toLowerCase(), {
    name: name ?? email.split("@")[0] ?? email,
    role,
  });
  // Signing in again may have changed the role: the user's other sessions are checked again.
  sessionCache.forgetUser(user.id);
  return ok(c, await startSession(c.env, user, clientInfo(c)), Status.OK);
};

export const refreshTokensHandler: RouteHandler<typeof refreshTokens, AppEnv> = async (c) => {
  const { refresh_token } = c.req.valid("json");
  return ok(c, await refreshSession(c.env, refresh_token), Status.OK);
};

export const signOutHandler: RouteHandler<typeof signOut, AppEnv> = async (c) => {
  const principal = c.get("principal");
  if (principal?.kind === "user") await endSession(c.env, principal.sessionId);
  return c.body(null, Status.NO_CONTENT);
};

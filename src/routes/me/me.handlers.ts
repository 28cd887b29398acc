import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { unauthenticated } from "../../auth/access";
import { sessionCache } from "../../auth/session-cache";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import { sessionToWire } from "../../wire/sessions";
import { userToWire } from "../../wire/users";
import type { getMe, listMySessions, revokeMySession, updateMe } from "./me.routes";

/** The signed-in user's principal; the routes' access rules admit only user sessions. */
const me = (c: Context<AppEnv>) => {
  const principal = c.get("principal");
  if (principal?.kind !== "user") throw unauthenticated();
  return principal;
};

export const getMeHandler: RouteHandler<typeof getMe, AppEnv> = async (c) => {
  const user = await repositories(c).users.findById(me(c).id);
  if (!user) throw unauthenticated();
  return ok(c, userToWire(user), Status.OK);
};

export const updateMeHandler: RouteHandler<typeof updateMe, AppEnv> = async (c) => {
  const { name, avatar_url } = c.req.valid("json");
  const user = await repositories(c).users.update(me(c).id, { name, avatarUrl: avatar_url });
  if (!user) throw unauthenticated();
  return ok(c, userToWire(user), Status.OK);
};

export const listMySessionsHandler: RouteHandler<typeof listMySessions, AppEnv> = async (c) => {
  const { id, sessionId } = me(c);
  const { limit, cursor } = c.req.valid("query");
  const rows = await repositories(c).sessions.listPageForUser(id, limit, cursor ? decodeCursor(cursor) : null);
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(
    c,
    page.map((session) => sessionToWire(session, sessionId)),
    pagination,
  );
};

export const revokeMySessionHandler: RouteHandler<typeof revokeMySession, AppEnv> = async (c) => {
  const { id: sessionId } = c.req.valid("param");
  if (!(await repositories(c).sessions.revokeForUser(me(c).id, sessionId, new Date()))) {
    throw new ApiError("not-found", `You have no active session with id ${sessionId}.`);
  }
  sessionCache.forgetSession(sessionId);
  return c.body(null, Status.NO_CONTENT);
};

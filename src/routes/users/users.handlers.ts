import type { RouteHandler } from "@hono/zod-openapi";
import { assertCanReachUser } from "../../auth/reach";
import { sessionCache } from "../../auth/session-cache";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch, versionFromIfMatch } from "../../http/etag";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import { isUniqueViolation } from "../../repositories/errors";
import { userToWire } from "../../wire/users";
import type { createUser, deleteUser, getUser, listUsers, updateUser } from "./users.routes";

const emailTaken = (email: string) => new ApiError("conflict", `A user with email ${email} already exists.`);
const userNotFound = (id: string) => new ApiError("not-found", `No user with id ${id}.`);

export const createUserHandler: RouteHandler<typeof createUser, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const email = body.email.toLowerCase();
  try {
    const user = await repositories(c).users.create({
      email,
      name: body.name,
      role: body.role,
      avatarUrl: body.avatar_url ?? null,
    });
    c.header("Location", `/users/${user.id}`);
    c.header("ETag", etagFor(user.updatedAt));
    return ok(c, userToWire(user), Status.CREATED);
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
};

export const listUsersHandler: RouteHandler<typeof listUsers, AppEnv> = async (c) => {
  const { limit, cursor, role, email } = c.req.valid("query");
  const rows = await repositories(c).users.listPage({
    limit,
    after: cursor ? decodeCursor(cursor) : null,
    role,
    email: email?.toLowerCase(),
  });
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(userToWire), pagination);
};

export const getUserHandler: RouteHandler<typeof getUser, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  assertCanReachUser(c.get("principal"), id, () => userNotFound(id));
  const user = await repositories(c).users.findById(id);
  if (!user) throw userNotFound(id);
  const etag = etagFor(user.updatedAt);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(c, userToWire(user), Status.OK);
};

export const updateUserHandler: RouteHandler<typeof updateUser, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const principal = c.get("principal");
  assertCanReachUser(principal, id, () => userNotFound(id));
  if (body.role !== undefined && principal?.kind === "user" && principal.id === id) {
    throw new ApiError("forbidden", "You cannot change your own role; ask another admin.");
  }
  const repository = repositories(c).users;
  const version = versionFromIfMatch(c.req.valid("header")["if-match"]);
  if (version === null) throw new ApiError("precondition-failed", "If-Match is not an ETag this API issued.");
  const expected = version === undefined ? undefined : new Date(version);
  const email = body.email?.toLowerCase();
  try {
    const user = await repository.update(
      id,
      { email, name: body.name, role: body.role, avatarUrl: body.avatar_url },
      expected,
    );
    if (!user) {
      // Nothing matched: tell a missing user apart from a stale If-Match.
      if (expected && (await repository.findById(id))) {
        throw new ApiError("precondition-failed", "The user changed since you read it; fetch it again.");
      }
      throw userNotFound(id);
    }
    // Their sessions carry the role: checked again on their next request.
    if (body.role !== undefined) sessionCache.forgetUser(id);
    c.header("ETag", etagFor(user.updatedAt));
    return ok(c, userToWire(user), Status.OK);
  } catch (error) {
    if (email && isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
};

export const deleteUserHandler: RouteHandler<typeof deleteUser, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await repositories(c).users.delete(id))) throw userNotFound(id);
  sessionCache.forgetUser(id);
  return c.body(null, Status.NO_CONTENT);
};

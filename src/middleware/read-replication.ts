import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { bindingProxy } from "./binding-proxy";

/**
 * D1 read replication through the Sessions API: each request runs its queries in a D1 session, so reads may be
 * served by a replica near the worker while a client still reads its own writes. The session starts from the
 * `Consistency-Bookmark` the client sends (the one its last response carried: D1 then answers from a copy at least
 * that recent); without one, a read may go to any copy (`first-unconstrained`) and a write starts at the primary
 * (`first-primary`). Every response carries the session's latest bookmark. Without replication enabled on the
 * database everything goes to the primary, so this is always on.
 */
const BOOKMARK_HEADER = "Consistency-Bookmark";

/** The shape of D1's bookmarks (four hex groups, e.g. `00000000-0000000e-00000000-<32 hex digits>`); nothing else is passed on. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/i;

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

// The PrismaClient and the binding are shared by concurrent requests: each query goes to the session of the
// request whose async context runs it.
const currentSession = new AsyncLocalStorage<D1DatabaseSession>();

/** The binding with `prepare` and `batch` sent to the current request's session. */
const sessionedDatabase = bindingProxy((_target, property) => {
  const session = currentSession.getStore();
  return session && (property === "prepare" || property === "batch") ? session[property].bind(session) : undefined;
});

export const readReplication = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const bookmark = c.req.header(BOOKMARK_HEADER);
  if (bookmark !== undefined && !BOOKMARK.test(bookmark)) {
    throw new ApiError("validation-error", `${BOOKMARK_HEADER} is not a bookmark this API issued.`, {
      errors: [
        { path: "header.consistency-bookmark", message: "Send back a bookmark as received", code: "invalid_string" },
      ],
    });
  }
  const session = c.env.DB.withSession(bookmark ?? (READS.has(c.req.method) ? "first-unconstrained" : "first-primary"));
  c.env = { ...c.env, DB: sessionedDatabase(c.env.DB) };
  await currentSession.run(session, next);
  const latest = session.getBookmark();
  if (latest) c.header(BOOKMARK_HEADER, latest);
};

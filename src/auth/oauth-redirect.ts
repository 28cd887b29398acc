import type { Context } from "hono";
import type { AppEnv } from "../env";
import { Status } from "../http/status";

/**
 * The answer to an OAuth client's authorization request (RFC 6749 §4.1.2): back to its redirect URI with
 * `params` (a `code`, or an `error`), its `state`, and `iss` naming us (RFC 9207, against mix-up attacks).
 */
export const redirectToClient = (
  c: Context<AppEnv>,
  request: { redirectUri: string; state?: string | undefined },
  params: Record<string, string>,
) => {
  const url = new URL(request.redirectUri);
  const state = request.state === undefined ? {} : { state: request.state };
  for (const [name, value] of Object.entries({ ...params, ...state, iss: new URL(c.req.url).origin })) {
    url.searchParams.set(name, value);
  }
  c.header("Cache-Control", "no-store");
  return c.redirect(url.href, Status.FOUND);
};

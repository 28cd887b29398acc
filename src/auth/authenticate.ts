import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { Principal } from "../principal";
import { liveSession } from "../repositories/sessions.repository";
import { authenticateApiKey, isApiKey } from "./api-keys";
import { sessionCache, sessionCacheSeconds } from "./session-cache";
import { invalidToken, verifyAccessToken } from "./tokens";

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

/**
 * The caller of a guarded operation (public operations never look at credentials): from
 * `Authorization: Bearer <access token>`, which must verify and whose session must still be live
 * (one query, which also yields the user's current role). Undefined without credentials; 401 when
 * the credentials do not verify. A partner API key comes as `X-API-Key: <key>` or as a bearer
 * credential starting with `elk_` (see ./api-keys.ts); both headers with different values are refused.
 */
export const resolvePrincipal = async (c: Context<AppEnv>): Promise<Principal | undefined> => {
  const header = c.req.header("Authorization");
  const apiKey = c.req.header("X-API-Key");
  if (header === undefined) return apiKey === undefined ? undefined : authenticateApiKey(c, apiKey);
  const token = BEARER.exec(header)?.[1];
  if (!token) throw invalidToken("Use Authorization: Bearer <token>.");
  if (apiKey !== undefined && apiKey !== token) {
    throw invalidToken("X-API-Key and Authorization carry different credentials; send only one.");
  }
  if (apiKey !== undefined || isApiKey(token)) return authenticateApiKey(c, token);

  const claims = await verifyAccessToken(c.env, token);
  return userOfLiveSession(c, claims.sub, claims.sid);
};

/**
 * The user of session `sid` if it is still live and theirs, with their current role: one statement, or none when
 * this isolate checked the session within SESSION_CACHE_SECONDS (./session-cache.ts).
 */
export const userOfLiveSession = async (c: Context<AppEnv>, userId: string, sid: string): Promise<Principal> => {
  const now = Date.now();
  let role = sessionCache.get(sid, userId, now);
  if (role === undefined) {
    const session = await liveSession(c.env.DB, sid, userId, new Date(now));
    if (!session) throw invalidToken("The session of this token has ended; sign in again.");
    role = session.role;
    const sessionExpiresAt = Date.parse(session.expires_at);
    sessionCache.remember(
      sid,
      { userId, role, sessionExpiresAt },
      now,
      sessionCacheSeconds(c.env.SESSION_CACHE_SECONDS),
    );
  }
  return { kind: "user", id: userId, role, sessionId: sid };
};

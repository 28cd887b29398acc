import type { Bindings } from "../env";
import type { User } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import type { TokenSet } from "../wire/tokens";
import { authConfig } from "./config";
import { randomSecret, sha256Hex } from "./secrets";
import { sessionCache } from "./session-cache";
import { issueAccessToken } from "./tokens";

/**
 * Sessions: a short-lived JWT access token plus a long-lived opaque refresh token
 * `<session id>.<secret>`, of which only the secret's SHA-256 is stored. Refreshing rotates the
 * secret; presenting an already-rotated secret means it leaked, so the whole session is revoked.
 */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

const invalidGrant = (detail: string) => new ApiError("unauthorized", detail);

const tokensFor = async (env: Bindings, user: User, sessionId: string, secret: string): Promise<TokenSet> => {
  const { token, expiresIn } = await issueAccessToken(env, { sub: user.id, role: user.role, sid: sessionId });
  return {
    access_token: token,
    token_type: "Bearer",
    expires_in: expiresIn,
    refresh_token: `${sessionId}.${secret}`,
    session_id: sessionId,
  };
};

/** A new session whose refresh secret hashes to `refreshTokenHash`. */
export const openSession = async (env: Bindings, user: User, client: ClientInfo, refreshTokenHash: string) =>
  repositories({ env }).sessions.create({
    userId: user.id,
    refreshTokenHash,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    ip: client.ip,
    expiresAt: new Date(Date.now() + authConfig(env).refreshTokenTtlSeconds * 1000),
  });

export const startSession = async (env: Bindings, user: User, client: ClientInfo): Promise<TokenSet> => {
  const secret = randomSecret();
  const session = await openSession(env, user, client, await sha256Hex(secret));
  return tokensFor(env, user, session.id, secret);
};

/**
 * New tokens for the session whose stored refresh hash is `presentedHash`, swapped for a new one at
 * once (compare-and-set): a hash that was already swapped out came back, so the session is revoked.
 */
export const renewSession = async (
  env: Bindings,
  sessionId: string,
  presentedHash: string,
  what = "refresh token",
): Promise<TokenSet> => {
  const { sessions } = repositories({ env });
  const session = await sessions.findWithUser(sessionId);
  const now = new Date();
  if (!session || session.revokedAt || session.expiresAt <= now) {
    throw invalidGrant("The session has ended; sign in again.");
  }
  const next = randomSecret();
  if (
    presentedHash !== session.refreshTokenHash ||
    !(await sessions.rotate(session.id, presentedHash, await sha256Hex(next), now))
  ) {
    // An old (already rotated) token came back, or lost a race with its twin: assume theft.
    await sessions.revoke(session.id, now);
    sessionCache.forgetSession(session.id);
    throw invalidGrant(`This ${what} was already used; the session has been revoked. Sign in again.`);
  }
  return tokensFor(env, session.user, session.id, next);
};

export const refreshSession = async (env: Bindings, refreshToken: string): Promise<TokenSet> => {
  const [sessionId, secret, ...rest] = refreshToken.split(".");
  if (!sessionId || !secret || rest.length > 0) throw invalidGrant("The refresh token is malformed.");
  return renewSession(env, sessionId, await sha256Hex(secret));
};

export const endSession = async (env: Bindings, sessionId: string) => {
  await repositories({ env }).sessions.revoke(sessionId, new Date());
  sessionCache.forgetSession(sessionId);
};

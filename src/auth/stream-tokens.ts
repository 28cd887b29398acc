import type { Context } from "hono";
import { errors, jwtVerify, SignJWT } from "jose";
import type { AppEnv } from "../env";
import type { Principal } from "../principal";
import { apiKeyById } from "./api-keys";
import { userOfLiveSession } from "./authenticate";
import { authConfig } from "./config";
import { keyringFor, TOKEN_ALGORITHM } from "./signing-keys";
import { invalidToken } from "./tokens";

/**
 * Stream tokens: browsers' `EventSource` cannot send headers, so an authenticated call gets a
 * short-lived token for one stream, which the stream's URL takes as `?token=`. A JWT signed with
 * the access tokens' keys but of its own type, so neither is ever accepted as the other; it names
 * its stream, so it opens no other; and it is checked again on use (the session or key must still
 * be live), so it outlives nothing it was issued from.
 */
const STREAM_TOKEN_TYPE = "stream+jwt";
export const STREAM_TOKEN_TTL_SECONDS = 300;

/** A thread's stream is `thread:<id>`; `user` is the user stream of whom the token names. */
export type StreamName = `thread:${string}` | "user";

interface StreamClaims {
  /** The principal's kind and id, and for users the session the token was issued from. */
  pk: Principal["kind"];
  sub: string;
  sid?: string;
  stream: StreamName;
}

export const issueStreamToken = async (c: Context<AppEnv>, principal: Principal, stream: StreamName) => {
  const config = authConfig(c.env);
  const { signing } = await keyringFor(c.env.JWT_SIGNING_KEYS);
  const expiresAt = new Date(Date.now() + STREAM_TOKEN_TTL_SECONDS * 1000);
  const token = await new SignJWT({
    pk: principal.kind,
    stream,
    ...(principal.kind === "user" ? { sid: principal.sessionId } : {}),
  })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: STREAM_TOKEN_TYPE })
    .setSubject(principal.id)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(signing.key);
  return { token, expiresAt };
};

const verify = async (c: Context<AppEnv>, token: string): Promise<StreamClaims> => {
  const config = authConfig(c.env);
  const { verify: keys } = await keyringFor(c.env.JWT_SIGNING_KEYS);
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [TOKEN_ALGORITHM],
      typ: STREAM_TOKEN_TYPE,
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: ["sub", "exp", "stream", "pk"],
    });
    return payload as unknown as StreamClaims;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw invalidToken("The stream token has expired; ask for a new one.");
    throw invalidToken("The stream token is not valid.");
  }
};

/** The principal behind a stream token, if it was issued for `stream` and who it names may still read. */
export const principalOfStreamToken = async (
  c: Context<AppEnv>,
  token: string,
  stream: StreamName,
): Promise<Principal> => {
  const claims = await verify(c, token);
  if (claims.stream !== stream) throw invalidToken("This stream token is for another stream.");
  // Only users have a user stream (API keys are refused it by its access rule, checked after this).
  if (claims.pk === "api_key") return apiKeyById(c, claims.sub);
  if (claims.pk === "user" && typeof claims.sid === "string") return userOfLiveSession(c, claims.sub, claims.sid);
  throw invalidToken("The stream token is not valid.");
};

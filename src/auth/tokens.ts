import { errors, jwtVerify, SignJWT } from "jose";
import type { Bindings } from "../env";
import type { Role } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import { authConfig } from "./config";
import { keyringFor, TOKEN_ALGORITHM } from "./signing-keys";

/** RFC 9068 access-token type: a JWT of another type signed with our keys is never an access token. */
const ACCESS_TOKEN_TYPE = "at+jwt";

export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
}

export const issueAccessToken = async (env: Bindings, claims: AccessClaims) => {
  const config = authConfig(env);
  const { signing } = await keyringFor(env.JWT_SIGNING_KEYS);
  const token = await new SignJWT({ role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(claims.sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(`${config.accessTokenTtlSeconds}s`)
    .sign(signing.key);
  return { token, expiresIn: config.accessTokenTtlSeconds };
};

/** Why a token was refused, in words safe to show the caller. */
const reason = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return "The access token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) return `The access token's ${error.claim} claim is not valid.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The access token's algorithm is not accepted.";
  if (error instanceof errors.JWKSNoMatchingKey) return "The access token was not signed by a key we know.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The access token's signature is not valid.";
  return "The access token is malformed.";
};

export const invalidToken = (detail: string) =>
  new ApiError("unauthorized", detail, { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });

/** Verifies signature (ES256 only, by kid), type, issuer, audience, expiry and not-before. */
export const verifyAccessToken = async (env: Bindings, token: string): Promise<AccessClaims> => {
  const config = authConfig(env);
  const { verify } = await keyringFor(env.JWT_SIGNING_KEYS);
  try {
    const { payload } = await jwtVerify(token, verify, {
      algorithms: [TOKEN_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: ["sub", "sid", "iat", "exp", "nbf"],
    });
    if (typeof payload.sid !== "string" || typeof payload.sub !== "string") throw invalidToken("Claims missing.");
    return { sub: payload.sub, sid: payload.sid, role: payload.role as Role };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw invalidToken(reason(error));
  }
};

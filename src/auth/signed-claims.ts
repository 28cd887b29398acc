import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Bindings } from "../env";
import { authConfig } from "./config";
import { keyringFor, TOKEN_ALGORITHM } from "./signing-keys";

/**
 * Short statements we sign for ourselves (a sign-in's cookie, an OAuth client id, an authorization
 * code): JWTs under our keyring, each with its own `typ` and audience, so none can pass for another
 * or for an access token.
 */
export interface ClaimsKind {
  typ: string;
  audience: string;
}

export const signClaims = async (env: Bindings, kind: ClaimsKind, claims: JWTPayload, ttlSeconds?: number) => {
  const { signing } = await keyringFor(env.JWT_SIGNING_KEYS);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: kind.typ })
    .setIssuer(authConfig(env).issuer)
    .setAudience(kind.audience)
    .setIssuedAt();
  if (ttlSeconds !== undefined) jwt.setExpirationTime(`${ttlSeconds}s`);
  return jwt.sign(signing.key);
};

/** The claims when `token` is ours, of this kind and unexpired; "expired" or undefined otherwise. */
export const verifyClaims = async (
  env: Bindings,
  kind: ClaimsKind,
  token: string,
): Promise<JWTPayload | "expired" | undefined> => {
  const { verify } = await keyringFor(env.JWT_SIGNING_KEYS);
  try {
    const { payload } = await jwtVerify(token, verify, {
      algorithms: [TOKEN_ALGORITHM],
      typ: kind.typ,
      issuer: authConfig(env).issuer,
      audience: kind.audience,
    });
    return payload;
  } catch (error) {
    return error instanceof errors.JWTExpired ? "expired" : undefined;
  }
};

import { env } from "cloudflare:workers";
import { base64url, importJWK, type JWK, type JWTPayload, SignJWT } from "jose";

/** Forges access tokens for attack tests: with the service's real key unless told otherwise. */
const realKey = () => {
  const [jwk] = JSON.parse(env.JWT_SIGNING_KEYS ?? "[]") as (JWK & { kid: string })[];
  if (!jwk) throw new Error("JWT_SIGNING_KEYS is not set for the tests");
  return jwk;
};

export interface ForgeOptions {
  claims?: JWTPayload;
  header?: Record<string, unknown>;
  /** Sign with a freshly generated key that carries the real key's kid. */
  foreignKey?: boolean;
}

export const forgeToken = async ({ claims = {}, header = {}, foreignKey = false }: ForgeOptions = {}) => {
  const jwk = realKey();
  const key = foreignKey
    ? ((await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"])) as CryptoKeyPair)
        .privateKey
    : await importJWK({ ...jwk, alg: "ES256" }, "ES256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: env.AUTH_ISSUER, aud: env.AUTH_AUDIENCE, iat: now, nbf: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "at+jwt", ...header })
    .sign(key);
};

/** An unsigned token (`alg: none`) carrying the claims of a real one. */
export const unsignedCopy = (token: string) => {
  const [, payload] = token.split(".");
  const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }));
  return `${header}.${payload}.`;
};

/** The same token with one claim changed in the payload, signature untouched. */
export const tamper = (token: string, claims: JWTPayload) => {
  const [header, payload, signature] = token.split(".");
  const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ""))) as JWTPayload;
  return `${header}.${base64url.encode(JSON.stringify({ ...decoded, ...claims }))}.${signature}`;
};

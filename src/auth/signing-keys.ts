import { createLocalJWKSet, importJWK, type JWK, type JWTVerifyGetKey } from "jose";
import { ApiError } from "../http/api-error";

/** Our tokens are signed with ES256 only; verification accepts nothing else (no `none`, no HS*). */
export const TOKEN_ALGORITHM = "ES256";

export interface Keyring {
  /** The first configured key signs. */
  signing: { kid: string; key: CryptoKey };
  /** Every configured key verifies, so a rotated-out key keeps working until its tokens expire. */
  verify: JWTVerifyGetKey;
  publicJwks: JWK[];
}

const buildKeyring = async (config: string): Promise<Keyring> => {
  let jwks: unknown;
  try {
    jwks = JSON.parse(config);
  } catch {
    throw new Error("JWT_SIGNING_KEYS is not JSON");
  }
  if (!Array.isArray(jwks) || jwks.length === 0) throw new Error("JWT_SIGNING_KEYS must be a non-empty JSON array");
  const keys = jwks as (JWK & { kid?: string })[];
  for (const jwk of keys) {
    if (typeof jwk.kid !== "string" || jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.d !== "string") {
      throw new Error("each JWT_SIGNING_KEYS entry must be a private P-256 JWK with a kid");
    }
  }
  const [first] = keys as [JWK & { kid: string }];
  const publicJwks = keys.map(({ d: _private, ...publicJwk }) => ({ ...publicJwk, alg: TOKEN_ALGORITHM, use: "sig" }));
  return {
    signing: {
      kid: first.kid,
      key: (await importJWK({ ...first, alg: TOKEN_ALGORITHM }, TOKEN_ALGORITHM)) as CryptoKey,
    },
    verify: createLocalJWKSet({ keys: publicJwks }),
    publicJwks,
  };
};

/**
 * Parsing and importing keys is costly: once per isolate and configuration. Only built keyrings are
 * cached, never the pending promise: a promise created while serving one request cannot be awaited
 * by another in Workers (it hangs), so concurrent first requests each build one.
 */
const keyrings = new Map<string, Keyring>();

export const keyringFor = async (config: string | undefined): Promise<Keyring> => {
  if (!config) throw new ApiError("internal-error", "Token signing is not configured.");
  let keyring = keyrings.get(config);
  if (!keyring) {
    keyring = await buildKeyring(config);
    keyrings.set(config, keyring);
  }
  return keyring;
};

// Generates JWT_SIGNING_KEYS (see src/auth/signing-keys.ts): a JSON array with one private P-256
// JWK. Used for local development (.dev.vars), the test suites and the e2e server; production keys
// are set with `wrangler secret put JWT_SIGNING_KEYS --env production`.
export const generateSigningKeys = async (kid = `key-${new Date().toISOString().slice(0, 10)}`) => {
  const { privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  return JSON.stringify([{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid }]);
};

/**
 * A keyring (see src/auth/keyring.ts) with one 32-byte key: DOWNLOAD_URL_KEYS (HMAC, signed download links) and
 * WEBHOOK_SECRET_KEYS (AES-GCM, webhook signing secrets at rest) have this shape.
 */
export const generateKeyring = (kid = `key-${new Date().toISOString().slice(0, 10)}`) =>
  JSON.stringify([{ kid, secret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url") }]);

import type { Bindings } from "../env";

/** Auth settings from wrangler.jsonc vars; defaults are what the README documents. */
export const authConfig = (env: Bindings) => ({
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  accessTokenTtlSeconds: Number(env.ACCESS_TOKEN_TTL_SECONDS ?? 900),
  refreshTokenTtlSeconds: Number(env.REFRESH_TOKEN_TTL_SECONDS ?? 30 * 24 * 3600),
});

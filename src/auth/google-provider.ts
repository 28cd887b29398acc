import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Bindings } from "../env";
import { ApiError } from "../http/api-error";
import { errorMessage, type Logger } from "../logging";

/**
 * Google as an OpenID provider: the deployment's settings, its discovery document and its signing keys, each
 * fetched with a timeout and kept per isolate. Google itself failing (unreachable, 5xx, nonsense answers) is a
 * 503 `service-unavailable`, logged with its cause.
 */

export const GOOGLE_ISSUER = "https://accounts.google.com";
const PROVIDER_TIMEOUT_MS = 5_000;
const RETRY_AFTER_SECONDS = "30";

export interface GoogleConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  /** Lower-cased `hd` values allowed to sign in; empty: any account. */
  allowedDomains: string[];
  redirectUri: string | undefined;
}

export const googleConfig = (env: Bindings): GoogleConfig => {
  // A deliberate state (the default for `npm run dev`), not a crash: say which setting is missing.
  if (!env.GOOGLE_CLIENT_ID) {
    throw new ApiError(
      "feature-not-configured",
      "Google sign-in is not configured: set GOOGLE_CLIENT_ID (the OAuth client id) in wrangler.jsonc vars or .dev.vars.",
    );
  }
  return {
    issuer: env.GOOGLE_ISSUER || GOOGLE_ISSUER,
    clientId: env.GOOGLE_CLIENT_ID,
    clientSecret: env.GOOGLE_CLIENT_SECRET || undefined,
    allowedDomains: (env.GOOGLE_ALLOWED_DOMAINS ?? "")
      .split(",")
      .map((domain) => domain.trim().toLowerCase())
      .filter((domain) => domain !== ""),
    redirectUri: env.GOOGLE_REDIRECT_URI || undefined,
  };
};

export const providerUnavailable = (log: Logger, step: string, cause: unknown) => {
  log.error("google sign-in: provider failure", {
    step,
    error: errorMessage(cause),
  });
  return new ApiError("service-unavailable", `Google sign-in is unavailable right now (${step}); try again shortly.`, {
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
  });
};

export const fetchProvider = async (log: Logger, step: string, url: string, init: RequestInit = {}) => {
  try {
    return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    throw providerUnavailable(log, step, error);
  }
};

const DiscoveryDocument = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});

export interface Provider {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

/** Discovery answers rarely change: once per isolate and issuer (only successes are kept). */
const providers = new Map<string, Provider>();
/**
 * The provider's signing keys, per jwks_uri and isolate. Only fetched key sets are cached, never a
 * pending fetch (jose's remote key set shares one): in Workers a promise started by one request
 * hangs any other request that awaits it. Google rotates keys, so an unknown `kid` refetches, at
 * most once a minute.
 */
const REFETCH_COOLDOWN_MS = 60_000;
const keySets = new Map<string, { keys: JWTVerifyGetKey; fetchedAt: number }>();

const fetchKeySet = async (jwksUri: string, log: Logger) => {
  const step = "jwks";
  const response = await fetchProvider(log, step, jwksUri, { headers: { Accept: "application/json" } });
  if (response.status !== 200) throw providerUnavailable(log, step, `HTTP ${response.status}`);
  let keys: JWTVerifyGetKey;
  try {
    keys = createLocalJWKSet((await response.json()) as JSONWebKeySet);
  } catch {
    throw providerUnavailable(log, step, "not a JWK set");
  }
  const keySet = { keys, fetchedAt: Date.now() };
  keySets.set(jwksUri, keySet);
  return keySet;
};

export const providerKeys =
  (jwksUri: string, log: Logger): JWTVerifyGetKey =>
  async (header, token) => {
    const keySet = keySets.get(jwksUri) ?? (await fetchKeySet(jwksUri, log));
    try {
      return await keySet.keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - keySet.fetchedAt < REFETCH_COOLDOWN_MS)
        throw error;
      return (await fetchKeySet(jwksUri, log)).keys(header, token);
    }
  };

export const discover = async (config: GoogleConfig, log: Logger): Promise<Provider> => {
  const cached = providers.get(config.issuer);
  if (cached) return cached;
  const step = "discovery";
  const response = await fetchProvider(
    log,
    step,
    `${config.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`,
    { headers: { Accept: "application/json" } },
  );
  if (response.status !== 200) throw providerUnavailable(log, step, `HTTP ${response.status}`);
  const document = DiscoveryDocument.safeParse(await response.json().catch(() => null));
  if (!document.success) throw providerUnavailable(log, step, "not an OpenID configuration document");
  // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
  if (document.data.issuer !== config.issuer) {
    throw providerUnavailable(log, step, `issuer ${document.data.issuer} is not ${config.issuer}`);
  }
  const provider: Provider = {
    authorizationEndpoint: document.data.authorization_endpoint,
    tokenEndpoint: document.data.token_endpoint,
    jwksUri: document.data.jwks_uri,
  };
  providers.set(config.issuer, provider);
  return provider;
};

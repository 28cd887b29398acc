import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import { ApiError } from "../http/api-error";
import type { Logger } from "../logging";
import type { SignInFlow } from "./google-flow";
import {
  discover,
  fetchProvider,
  GOOGLE_ISSUER,
  type GoogleConfig,
  type Provider,
  providerKeys,
  providerUnavailable,
} from "./google-provider";
import { pkceChallenge } from "./pkce";

/**
 * Google sign-in (OpenID Connect): the authorization URL, the code exchange and ID-token verification, with
 * the provider of ./google-provider.ts. Every refusal is a 401 `unauthorized` with a specific, safe detail.
 */

/** Google signs ID tokens with RS256; RFC 8725: accept exactly the algorithms expected, never what the token says. */
const ID_TOKEN_ALGORITHMS = ["RS256"];
/** Slack for clocks that disagree a little about `exp`, `iat` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 60;
const GOOGLE_SCOPES = "openid email profile";

const signInFailed = (detail: string) => new ApiError("unauthorized", detail);

/** Where GET /auth/google/start sends the browser: code flow with PKCE (S256), state and nonce. */
export const authorizationUrl = async (provider: Provider, config: GoogleConfig, flow: SignInFlow) => {
  const url = new URL(provider.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: flow.redirectUri,
    scope: GOOGLE_SCOPES,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await pkceChallenge(flow.verifier),
    code_challenge_method: "S256",
    // Google's account chooser then offers only accounts of that Workspace domain (a hint: `hd` is still checked).
    ...(config.allowedDomains.length === 1 ? { hd: config.allowedDomains[0] } : {}),
  }).toString();
  return url.toString();
};

const TokenEndpointAnswer = z.object({ id_token: z.string().min(1) });
/** An RFC 6749 error code (invalid_grant, access_denied, …): safe to repeat to the caller. */
export const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/;

/** Trades the authorization code (and PKCE verifier) for an ID token, client_secret_post style. */
export const exchangeCode = async (
  provider: Provider,
  config: GoogleConfig,
  flow: SignInFlow,
  code: string,
  log: Logger,
): Promise<string> => {
  const step = "token endpoint";
  const response = await fetchProvider(log, step, provider.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: flow.redirectUri,
      client_id: config.clientId,
      ...(config.clientSecret ? { client_secret: config.clientSecret } : {}),
      code_verifier: flow.verifier,
    }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (response.status >= 400 && response.status < 500) {
    const parsed = z.object({ error: z.string().regex(OAUTH_ERROR_CODE) }).safeParse(body);
    const reason = parsed.success ? parsed.data.error : "no reason given";
    // invalid_client and the like mean our configuration is wrong: worth seeing in the logs.
    log.info("google sign-in: code refused", { status: response.status, reason });
    throw signInFailed(`Google refused the authorization code (${reason}).`);
  }
  const answer = TokenEndpointAnswer.safeParse(body);
  if (response.status !== 200 || !answer.success) {
    throw providerUnavailable(log, step, `HTTP ${response.status}${answer.success ? "" : ", no id_token"}`);
  }
  return answer.data.id_token;
};

/** Who Google says signed in, once every check has passed. */
export interface GoogleIdentity {
  sub: string;
  /** Lower-cased; verified by Google. */
  email: string;
  name: string;
  /** `picture` when it is an https URL we can store. */
  avatarUrl: string | null;
}

const AvatarUrl = z.url({ protocol: /^https$/ }).max(2048);

/** Why jose refused a token, in words safe to show the caller; undefined: not the token's fault. */
const refusal = (error: unknown): string | undefined => {
  if (error instanceof errors.JWTExpired) return "The Google ID token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `The Google ID token has no ${error.claim} claim.`;
    if (error.claim === "iss") return "The ID token was not issued by Google.";
    if (error.claim === "aud") return "The Google ID token was issued to another application.";
    return `The Google ID token's ${error.claim} claim is not valid.`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "The Google ID token's algorithm is not accepted.";
  if (error instanceof errors.JWKSNoMatchingKey) return "The ID token was not signed by a Google key.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The Google ID token's signature is not valid.";
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return "The Google ID token is malformed.";
  }
  // JWKS timeouts, non-200 or invalid key sets, network errors: Google's side.
  return undefined;
};

/** Google documents both forms of its issuer in ID tokens. */
const acceptedIssuers = (issuer: string) =>
  issuer === GOOGLE_ISSUER ? [GOOGLE_ISSUER, new URL(GOOGLE_ISSUER).host] : [issuer];

const identityFrom = (payload: JWTPayload, config: GoogleConfig, expectedNonce: string | undefined): GoogleIdentity => {
  const { sub, email, email_verified, hd, name, given_name, picture, nonce, azp } = payload;
  // OpenID Connect Core §3.1.3.7: with several audiences, the authorized party must be us.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && azp !== config.clientId) {
    throw signInFailed("The Google ID token was issued to another application (azp).");
  }
  if (expectedNonce !== undefined && nonce !== expectedNonce) {
    throw signInFailed("The Google ID token's nonce does not match this sign-in.");
  }
  if (typeof sub !== "string" || sub.length === 0 || sub.length > 255) {
    throw signInFailed("The Google ID token has no valid sub claim.");
  }
  if (typeof email !== "string" || email.length > 254 || !email.includes("@")) {
    throw signInFailed("The Google ID token carries no email address; the email scope is required.");
  }
  if (email_verified !== true) throw signInFailed("Google has not verified this account's email address.");
  if (
    config.allowedDomains.length > 0 &&
    !(typeof hd === "string" && config.allowedDomains.includes(hd.toLowerCase()))
  ) {
    throw signInFailed("Only accounts of the allowed Google Workspace domains may sign in.");
  }
  const lowerEmail = email.toLowerCase();
  const displayName = [name, given_name].find((value) => typeof value === "string" && value.trim() !== "");
  const avatar = AvatarUrl.safeParse(picture);
  return {
    sub,
    email: lowerEmail,
    name: (typeof displayName === "string" ? displayName.trim() : (lowerEmail.split("@")[0] ?? lowerEmail)).slice(
      0,
      200,
    ),
    avatarUrl: avatar.success ? avatar.data : null,
  };
};

/**
 * Verifies a Google ID token: RS256 signature by a key of the provider's JWKS, `iss`, `aud` = our
 * client id, `exp`/`iat`, the nonce when one is expected, a verified email, and the hosted domain
 * when domains are restricted.
 */
export const verifyIdToken = async (
  config: GoogleConfig,
  idToken: string,
  expectedNonce: string | undefined,
  log: Logger,
): Promise<GoogleIdentity> => {
  // Resolved only once the token parses and its header passes: garbage never costs a call to Google.
  const keys: JWTVerifyGetKey = async (header, token) =>
    providerKeys((await discover(config, log)).jwksUri, log)(header, token);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      algorithms: ID_TOKEN_ALGORITHMS,
      issuer: acceptedIssuers(config.issuer),
      audience: config.clientId,
      requiredClaims: ["sub", "iat", "exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const detail = refusal(error);
    if (detail === undefined) throw providerUnavailable(log, "signing keys", error);
    throw signInFailed(detail);
  }
  return identityFrom(payload, config, expectedNonce);
};

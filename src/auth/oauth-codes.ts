import type { Bindings } from "../env";
import type { User } from "../generated/prisma/client";
import { ApiError, oauthRefused } from "../http/api-error";
import type { TokenSet } from "../wire/tokens";
import { pkceChallenge } from "./pkce";
import { randomSecret, sha256Hex } from "./secrets";
import { type ClientInfo, openSession, renewSession } from "./sessions";
import { signClaims, verifyClaims } from "./signed-claims";

/** What an OAuth client asked for at /oauth/authorize, carried through Google sign-in (in its cookie) into the code. */
export interface AuthorizationRequest {
  /** SHA-256 (hex) of the client_id: binds the code to its client without carrying the whole registration. */
  client: string;
  redirectUri: string;
  codeChallenge: string;
  state?: string;
}

const CODE = { typ: "oauth-code+jwt", audience: "oauth-code" };
export const CODE_TTL_SECONDS = 60;

export const clientDigest = (clientId: string) => sha256Hex(clientId);

/**
 * A one-use authorization code for `user`. It opens the session at once, with a refresh hash that is a
 * random value only the code carries (never the SHA-256 hex of anything, so no refresh token can match
 * it): redeeming the code is renewing that session, which succeeds once — a second try revokes it.
 */
export const issueCode = async (env: Bindings, user: User, client: ClientInfo, request: AuthorizationRequest) => {
  const key = randomSecret();
  const session = await openSession(env, user, client, key);
  const { client: c, redirectUri: r, codeChallenge: p } = request;
  return signClaims(env, CODE, { sid: session.id, k: key, c, r, p }, CODE_TTL_SECONDS);
};

export interface Redemption {
  code: string;
  clientId: string;
  redirectUri: string;
  verifier: string;
}

/** Tokens for a code presented with its client, redirect URI and PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.6). */
export const redeemCode = async (env: Bindings, { code, clientId, redirectUri, verifier }: Redemption) => {
  const claims = await verifyClaims(env, CODE, code);
  if (claims === "expired") {
    throw oauthRefused("invalid_grant", `The authorization code has expired (codes last ${CODE_TTL_SECONDS} s).`);
  }
  if (typeof claims?.sid !== "string" || typeof claims.k !== "string") {
    throw oauthRefused("invalid_grant", "The authorization code is not valid.");
  }
  if (claims.c !== (await clientDigest(clientId))) {
    throw oauthRefused("invalid_grant", "The authorization code was issued to another client.");
  }
  if (claims.r !== redirectUri) {
    throw oauthRefused("invalid_grant", "The redirect_uri is not the one of the authorization request.");
  }
  if (claims.p !== (await pkceChallenge(verifier))) {
    throw oauthRefused("invalid_grant", "The code_verifier does not match the code_challenge.");
  }
  return asGrant(renewSession(env, claims.sid, claims.k, "authorization code"));
};

/** A session that cannot be renewed, as the token endpoint says it: `invalid_grant`. */
export const asGrant = (tokens: Promise<TokenSet>) =>
  tokens.catch((error: unknown) => {
    throw error instanceof ApiError && error.type === "unauthorized"
      ? oauthRefused("invalid_grant", error.detail)
      : error;
  });

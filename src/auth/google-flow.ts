import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import type { AuthorizationRequest } from "./oauth-codes";
import { randomSecret } from "./secrets";
import { signClaims, verifyClaims } from "./signed-claims";

/**
 * What GET /auth/google/start hands to GET /auth/google/callback: `state` (CSRF), `nonce` (ID-token
 * replay) and the PKCE verifier, in a short-lived http-only cookie holding a JWT signed with our own
 * keyring. Its own `typ` and audience mean it can never pass as an access token, nor the reverse.
 */
export interface SignInFlow {
  state: string;
  nonce: string;
  verifier: string;
  /** The redirect_uri sent to Google, which the code exchange must repeat exactly. */
  redirectUri: string;
  /** The OAuth client's request this sign-in answers (POST /oauth/authorize); none for a plain sign-in. */
  client?: AuthorizationRequest;
}

const FLOW = { typ: "oauth-state+jwt", audience: "google-sign-in" };
export const FLOW_TTL_SECONDS = 600;
const FLOW_COOKIE = "google_sign_in";
const FLOW_COOKIE_PATH = "/auth/google";

const signInFailed = (detail: string) => new ApiError("unauthorized", detail);

export const newSignInFlow = (redirectUri: string, client?: AuthorizationRequest): SignInFlow => ({
  state: randomSecret(),
  nonce: randomSecret(),
  // 32 random bytes → 43 base64url characters: the shortest verifier RFC 7636 allows, at full entropy.
  verifier: randomSecret(32),
  redirectUri,
  ...(client ? { client } : {}),
});

const cookieOptions = (c: Context<AppEnv>): CookieOptions => {
  const { protocol, hostname } = new URL(c.req.url);
  // Browsers drop Secure cookies set over plain http, which only local development uses.
  const local = protocol === "http:" && (hostname === "localhost" || hostname === "127.0.0.1");
  return { path: FLOW_COOKIE_PATH, httpOnly: true, sameSite: "Lax", secure: !local };
};

export const setSignInFlowCookie = async (c: Context<AppEnv>, flow: SignInFlow) => {
  const { state, nonce, verifier, redirectUri, client } = flow;
  const token = await signClaims(
    c.env,
    FLOW,
    { state, nonce, cv: verifier, ru: redirectUri, cl: client },
    FLOW_TTL_SECONDS,
  );
  setCookie(c, FLOW_COOKIE, token, { ...cookieOptions(c), maxAge: FLOW_TTL_SECONDS });
};

export const clearSignInFlowCookie = (c: Context<AppEnv>) => deleteCookie(c, FLOW_COOKIE, cookieOptions(c));

const verifyFlow = async (c: Context<AppEnv>, token: string): Promise<SignInFlow> => {
  const payload = await verifyClaims(c.env, FLOW, token);
  if (payload === "expired") {
    throw signInFailed(`This sign-in took longer than ${FLOW_TTL_SECONDS / 60} minutes; start again.`);
  }
  const { state, nonce, cv, ru, cl } = payload ?? {};
  if (typeof state === "string" && typeof nonce === "string" && typeof cv === "string" && typeof ru === "string") {
    // `cl` was written by setSignInFlowCookie, under our signature.
    return { state, nonce, verifier: cv, redirectUri: ru, ...(cl ? { client: cl as AuthorizationRequest } : {}) };
  }
  throw signInFailed("The sign-in cookie is not valid; start again at GET /auth/google/start.");
};

/** The flow this browser started, checked against the `state` Google sent back (401 otherwise). */
export const signInFlowFor = async (c: Context<AppEnv>, state: string | undefined): Promise<SignInFlow> => {
  const cookie = getCookie(c, FLOW_COOKIE);
  if (!cookie) {
    throw signInFailed(
      "The sign-in cookie is missing: start at GET /auth/google/start in this browser, with cookies enabled.",
    );
  }
  const flow = await verifyFlow(c, cookie);
  if (flow.state !== state) throw signInFailed("The state parameter does not match this browser's sign-in.");
  return flow;
};

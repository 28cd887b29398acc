import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { base64url, errors, jwtVerify, SignJWT } from "jose";
import type { AppEnv, Bindings } from "../env";
import { ApiError } from "../http/api-error";
import { authConfig } from "./config";
import { randomSecret } from "./secrets";
import { keyringFor, TOKEN_ALGORITHM } from "./signing-keys";

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
}

const FLOW_TOKEN_TYPE = "oauth-state+jwt";
const FLOW_AUDIENCE = "google-sign-in";
export const FLOW_TTL_SECONDS = 600;
const FLOW_COOKIE = "google_sign_in";
const FLOW_COOKIE_PATH = "/auth/google";

const signInFailed = (detail: string) => new ApiError("unauthorized", detail);

export const newSignInFlow = (redirectUri: string): SignInFlow => ({
  state: randomSecret(),
  nonce: randomSecret(),
  // 32 random bytes → 43 base64url characters: the shortest verifier RFC 7636 allows, at full entropy.
  verifier: randomSecret(32),
  redirectUri,
});

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export const pkceChallenge = async (verifier: string): Promise<string> =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));

const cookieOptions = (c: Context<AppEnv>): CookieOptions => {
  const { protocol, hostname } = new URL(c.req.url);
  // Browsers drop Secure cookies set over plain http, which only local development uses.
  const local = protocol === "http:" && (hostname === "localhost" || hostname === "127.0.0.1");
  return { path: FLOW_COOKIE_PATH, httpOnly: true, sameSite: "Lax", secure: !local };
};

export const setSignInFlowCookie = async (c: Context<AppEnv>, flow: SignInFlow) => {
  const { signing } = await keyringFor(c.env.JWT_SIGNING_KEYS);
  const token = await new SignJWT({ state: flow.state, nonce: flow.nonce, cv: flow.verifier, ru: flow.redirectUri })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: FLOW_TOKEN_TYPE })
    .setIssuer(authConfig(c.env).issuer)
    .setAudience(FLOW_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${FLOW_TTL_SECONDS}s`)
    .sign(signing.key);
  setCookie(c, FLOW_COOKIE, token, { ...cookieOptions(c), maxAge: FLOW_TTL_SECONDS });
};

export const clearSignInFlowCookie = (c: Context<AppEnv>) => deleteCookie(c, FLOW_COOKIE, cookieOptions(c));

const verifyFlow = async (env: Bindings, token: string): Promise<SignInFlow> => {
  const { verify } = await keyringFor(env.JWT_SIGNING_KEYS);
  try {
    const { payload } = await jwtVerify(token, verify, {
      algorithms: [TOKEN_ALGORITHM],
      typ: FLOW_TOKEN_TYPE,
      issuer: authConfig(env).issuer,
      audience: FLOW_AUDIENCE,
      requiredClaims: ["exp"],
    });
    const { state, nonce, cv, ru } = payload;
    if (typeof state === "string" && typeof nonce === "string" && typeof cv === "string" && typeof ru === "string") {
      return { state, nonce, verifier: cv, redirectUri: ru };
    }
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw signInFailed(`This sign-in took longer than ${FLOW_TTL_SECONDS / 60} minutes; start again.`);
    }
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
  const flow = await verifyFlow(c.env, cookie);
  if (flow.state !== state) throw signInFailed("The state parameter does not match this browser's sign-in.");
  return flow;
};

import { createRoute } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
import { FLOW_TTL_SECONDS } from "../../auth/google-flow";
import { Status } from "../../http/status";
import { authRateLimit, rateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  googleUnavailable,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { TokenResponse } from "./auth.schemas";
import { GoogleCallbackQuery, GoogleIdTokenBody } from "./google.schemas";

const tags = ["Auth"];
const noStore = {
  description: "`no-store`: the answer belongs to one sign-in and must never be cached.",
  schema: { type: "string", maxLength: 64 },
} as const;
const unauthorized = { [Status.UNAUTHORIZED]: authErrors[Status.UNAUTHORIZED] };
const FAILURES =
  "Every failed sign-in answers 401 `unauthorized` with a specific `detail` (expired, foreign-audience or wrong-issuer token, bad signature, nonce mismatch, unverified email, a domain outside GOOGLE_ALLOWED_DOMAINS, an email already linked to another Google account); 503 `service-unavailable` (with `Retry-After`) when Google cannot be reached, and 503 `feature-not-configured` when this deployment has no GOOGLE_CLIENT_ID.";

export const startGoogleSignIn = createRoute({
  operationId: "startGoogleSignIn",
  method: "get",
  path: "/auth/google/start",
  tags,
  summary: "Start signing in with Google",
  description: `Open this in the browser: it answers 302 to Google's authorization endpoint (authorization code flow with PKCE S256, scopes \`openid email profile\`, a fresh \`state\` and \`nonce\`) and sets a signed, http-only cookie holding them for ${FLOW_TTL_SECONDS / 60} minutes. Google then sends the browser to GET /auth/google/callback. 503 when Google's discovery document cannot be fetched, or Google sign-in is not configured (\`feature-not-configured\`, naming GOOGLE_CLIENT_ID).`,
  ...publicAccess(rateLimit(authRateLimit)),
  responses: {
    [Status.FOUND]: {
      description: "Go to Google to sign in.",
      headers: {
        Location: {
          description: "Google's authorization endpoint with the request parameters.",
          schema: { type: "string", format: "uri", maxLength: 4096 },
        },
        "Set-Cookie": {
          description: `The sign-in cookie: \`google_sign_in=<JWT>; Max-Age=${FLOW_TTL_SECONDS}; Path=/auth/google; HttpOnly; Secure; SameSite=Lax\` (no \`Secure\` on plain-http localhost).`,
          schema: { type: "string", maxLength: 4096 },
        },
        "Cache-Control": noStore,
        "RateLimit-Policy": rateLimitPolicyHeader,
      },
    },
    ...commonErrors,
    ...rateLimited,
    ...googleUnavailable,
  },
});

export const completeGoogleSignIn = createRoute({
  operationId: "completeGoogleSignIn",
  method: "get",
  path: "/auth/google/callback",
  tags,
  summary: "Finish signing in with Google",
  description: `Where Google sends the browser back. The sign-in cookie must be present and valid and \`state\` must match it; the code is then exchanged (with the PKCE verifier) for an ID token, which is verified (RS256 by Google's keys, \`iss\`, \`aud\`, \`exp\`, \`nonce\`, \`email_verified\`, \`hd\`). The user is found by Google account, else linked by email, else created with role USER; a new session starts. When the sign-in was started by an OAuth client at GET /oauth/authorize, the answer is instead a 302 back to that client with a one-use \`code\` (or an \`error\`: \`access_denied\` for a refused sign-in). ${FAILURES}`,
  ...publicAccess(rateLimit(authRateLimit)),
  request: { query: GoogleCallbackQuery },
  responses: {
    [Status.OK]: {
      description: "Signed in: a new session. The sign-in cookie is cleared.",
      headers: {
        "Set-Cookie": {
          description: "Clears the sign-in cookie (`Max-Age=0`).",
          schema: { type: "string", maxLength: 512 },
        },
        "Cache-Control": noStore,
        "RateLimit-Policy": rateLimitPolicyHeader,
      },
      content: { "application/json": { schema: TokenResponse } },
    },
    [Status.FOUND]: {
      description:
        "The sign-in answered an OAuth client: back to its redirect URI with `code` (or `error` and `error_description`), its `state` and `iss`.",
      headers: {
        Location: {
          description: "The client's redirect URI with the authorization response.",
          schema: { type: "string", format: "uri", maxLength: 8192 },
        },
        "Cache-Control": noStore,
      },
    },
    ...commonErrors,
    ...unauthorized,
    ...rateLimited,
    ...googleUnavailable,
  },
});

export const signInWithGoogleIdToken = createRoute({
  operationId: "signInWithGoogleIdToken",
  method: "post",
  path: "/auth/google/id-token",
  tags,
  summary: "Sign in with a Google ID token",
  description: `For Google One Tap and mobile apps, which obtain the ID token themselves: it is verified exactly like the callback's (its \`nonce\` only when you send one, which you should), then the user is found, linked or created and a new session starts. ${FAILURES}`,
  ...publicAccess(rateLimit(authRateLimit)),
  request: { body: { required: true, content: { "application/json": { schema: GoogleIdTokenBody } } } },
  responses: {
    [Status.OK]: {
      description: "Signed in: a new session.",
      headers: { "RateLimit-Policy": rateLimitPolicyHeader },
      content: { "application/json": { schema: TokenResponse } },
    },
    ...commonErrors,
    ...bodyErrors,
    ...unauthorized,
    ...rateLimited,
    ...googleUnavailable,
  },
});

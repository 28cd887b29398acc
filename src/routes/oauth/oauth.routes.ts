import { createRoute, z } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
import { CODE_TTL_SECONDS } from "../../auth/oauth-codes";
import { Status } from "../../http/status";
import { authRateLimit, rateLimit, readRateLimit } from "../../middleware/rate-limit";
import {
  bodyErrors,
  commonErrors,
  featureNotConfigured,
  googleUnavailable,
  oauthRefused,
  rateLimited,
} from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import {
  AuthorizationServerMetadata,
  AuthorizeForm,
  AuthorizeQuery,
  ClientRegistration,
  ClientRegistrationRequest,
  OAuthTokens,
  TokenForm,
} from "./oauth.schemas";

const tags = ["OAuth"];
const FORM = "application/x-www-form-urlencoded";
const noStore = { description: "`no-store`.", schema: { type: "string", maxLength: 64 } } as const;
const OFF =
  "503 `feature-not-configured` naming GOOGLE_CLIENT_ID when Google sign-in, which signs users in here, is off.";
const backToClient = {
  description:
    "Back to the client's redirect URI with `error` and `error_description` (and `state`, `iss`): `unsupported_response_type`, `invalid_request` (no PKCE S256 challenge), `invalid_target` (a `resource` that is not this API), `access_denied` (the user declined).",
  headers: {
    Location: { description: "The client's redirect URI.", schema: { type: "string", format: "uri", maxLength: 8192 } },
    "Cache-Control": noStore,
  },
} as const;

export const getAuthorizationServerMetadata = createRoute({
  operationId: "getAuthorizationServerMetadata",
  method: "get",
  path: "/.well-known/oauth-authorization-server",
  tags,
  summary: "Describe the authorization server",
  description: `OAuth 2.0 Authorization Server Metadata (RFC 8414), for MCP clients and others that cannot be given an API key: they register themselves (POST /oauth/register), send the user here to sign in with Google (authorization code flow with PKCE S256) and get this API's access and refresh tokens. ${OFF}`,
  ...publicAccess(rateLimit(readRateLimit)),
  responses: {
    [Status.OK]: jsonResponse(AuthorizationServerMetadata, "The metadata."),
    ...commonErrors,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const registerOAuthClient = createRoute({
  operationId: "registerOAuthClient",
  method: "post",
  path: "/oauth/register",
  tags,
  summary: "Register an OAuth client",
  description: `Dynamic client registration (RFC 7591), as MCP clients do it: every client is public (no secret; PKCE instead) and its \`client_id\` is its registration signed by this server, so nothing is stored. Metadata this server does not use is ignored. A redirect URI must be https, http on a loopback host, or an app's own scheme (not javascript:, data:, file:…); a refused one is a 400 \`invalid_redirect_uri\`, other refused metadata \`invalid_client_metadata\`. ${OFF}`,
  ...publicAccess(rateLimit(authRateLimit)),
  request: {
    body: { required: true, content: { "application/json": { schema: ClientRegistrationRequest } } },
  },
  responses: {
    [Status.CREATED]: jsonResponse(ClientRegistration, "Registered."),
    ...commonErrors,
    ...oauthRefused,
    ...bodyErrors,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const authorizeOAuthClient = createRoute({
  operationId: "authorizeOAuthClient",
  method: "get",
  path: "/oauth/authorize",
  tags,
  summary: "Ask the user to let an OAuth client act for them",
  description: `The authorization endpoint, opened in the user's browser. With a registered \`client_id\` and \`redirect_uri\` it answers a consent page naming the client and where it will be sent; its buttons post to POST /oauth/authorize. An unknown client or redirect URI is a 400 (never a redirect); other refusals go back to the client. ${OFF}`,
  ...publicAccess(rateLimit(authRateLimit)),
  request: { query: AuthorizeQuery },
  responses: {
    [Status.OK]: {
      description: "The consent page (it may not be framed: `Content-Security-Policy: frame-ancestors 'none'`).",
      headers: { "Cache-Control": noStore },
      content: { "text/html": { schema: z.string().max(100_000).openapi({ example: "<!doctype html>…" }) } },
    },
    [Status.FOUND]: backToClient,
    ...commonErrors,
    ...oauthRefused,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const approveOAuthClient = createRoute({
  operationId: "approveOAuthClient",
  method: "post",
  path: "/oauth/authorize",
  tags,
  summary: "Answer the consent page",
  description: `What the consent page's buttons post (the authorization request again, plus \`decision\`); only from this server's own page (\`Origin\` must be this server, else 403). \`approve\` sends the browser to Google (as GET /auth/google/start does); once the user has signed in, GET /auth/google/callback sends it back to the client with a one-use \`code\` valid for ${CODE_TTL_SECONDS} s. \`deny\` goes back to the client with \`access_denied\`. ${OFF}`,
  ...publicAccess(rateLimit(authRateLimit)),
  request: { body: { required: true, content: { [FORM]: { schema: AuthorizeForm } } } },
  responses: {
    [Status.FOUND]: {
      description: `To Google's authorization endpoint (\`approve\`), setting the sign-in cookie; or back to the client (${backToClient.description})`,
      headers: {
        Location: { description: "Where to.", schema: { type: "string", format: "uri", maxLength: 8192 } },
        "Cache-Control": noStore,
      },
    },
    ...commonErrors,
    ...oauthRefused,
    [Status.FORBIDDEN]: {
      description: "The form was not posted from this server's consent page.",
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/ProblemEnvelope" } },
        "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
      },
    },
    ...bodyErrors,
    ...rateLimited,
    ...googleUnavailable,
  },
});

export const exchangeOAuthToken = createRoute({
  operationId: "exchangeOAuthToken",
  method: "post",
  path: "/oauth/token",
  tags,
  summary: "Get tokens for an authorization code or a refresh token",
  description:
    "The token endpoint (RFC 6749 §3.2), form-encoded. `authorization_code`: the code with the same `client_id` and `redirect_uri` as its request and the PKCE `code_verifier`; a code works once (a second try revokes the session it started). `refresh_token`: as POST /auth/refresh. Answers this API's tokens: an access token that acts as the signed-in user (any operation, `/mcp` included) and a rotating refresh token. Refusals are OAuth errors (`invalid_grant`, `invalid_client`, `invalid_request`, `unsupported_grant_type`, `invalid_target`).",
  ...publicAccess(rateLimit(authRateLimit)),
  request: { body: { required: true, content: { [FORM]: { schema: TokenForm } } } },
  responses: {
    [Status.OK]: {
      ...jsonResponse(OAuthTokens, "The tokens (not in an envelope, as OAuth clients expect)."),
      headers: { "Cache-Control": noStore },
    },
    ...commonErrors,
    ...oauthRefused,
    ...bodyErrors,
    ...rateLimited,
  },
});

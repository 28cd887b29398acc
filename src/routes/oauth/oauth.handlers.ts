import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { googleConfig } from "../../auth/google-provider";
import { redirectToGoogle } from "../../auth/google-sign-in";
import { clientOf, isRegisteredRedirect, registerClient } from "../../auth/oauth-clients";
import { type AuthorizationRequest, asGrant, clientDigest, redeemCode } from "../../auth/oauth-codes";
import { redirectToClient } from "../../auth/oauth-redirect";
import { refreshSession } from "../../auth/sessions";
import type { AppEnv } from "../../env";
import { ApiError, oauthRefused } from "../../http/api-error";
import { Status } from "../../http/status";
import { CONSENT_PAGE_HEADERS, consentPage } from "./consent-page";
import type {
  approveOAuthClient,
  authorizeOAuthClient,
  exchangeOAuthToken,
  getAuthorizationServerMetadata,
  registerOAuthClient,
} from "./oauth.routes";
import { type AuthorizeQuery, GRANT_TYPES } from "./oauth.schemas";

/** base64url(SHA-256(…)): 43 characters. */
const S256_CHALLENGE = /^[\w-]{43}$/;

const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

/** RFC 8707: tokens are for this API, of which the MCP endpoint is part. */
const isOurResource = (c: Context<AppEnv>, resource: string) =>
  URL.canParse(resource) &&
  new URL(resource).origin === originOf(c) &&
  ["/", "/mcp"].includes(new URL(resource).pathname);

type AuthorizeParams = ReturnType<typeof AuthorizeQuery.parse>;

/** Why the request goes back to its client refused (RFC 6749 §4.1.2.1), if it does. */
const refusalOf = (c: Context<AppEnv>, query: AuthorizeParams): Record<string, string> | undefined => {
  const refuse = (error: string, error_description: string) => ({ error, error_description });
  if (query.response_type !== "code") {
    return refuse("unsupported_response_type", "Only the authorization code flow is offered: response_type=code.");
  }
  if (query.code_challenge === undefined || !S256_CHALLENGE.test(query.code_challenge)) {
    return refuse("invalid_request", "PKCE is required: send code_challenge, base64url(SHA-256(code_verifier)).");
  }
  if (query.code_challenge_method !== "S256") return refuse("invalid_request", "code_challenge_method must be S256.");
  if (query.resource !== undefined && !isOurResource(c, query.resource)) {
    return refuse("invalid_target", `resource must be ${originOf(c)} or ${originOf(c)}/mcp.`);
  }
  return undefined;
};

/** The client and its request; an unknown client or redirect URI is answered here (400), never redirected to. */
const authorizationRequest = async (c: Context<AppEnv>, query: AuthorizeParams) => {
  const client = await clientOf(c.env, query.client_id);
  if (!isRegisteredRedirect(client, query.redirect_uri)) {
    throw oauthRefused("invalid_request", "This redirect_uri is not one the client registered.");
  }
  const request: AuthorizationRequest = {
    client: await clientDigest(query.client_id),
    redirectUri: query.redirect_uri,
    codeChallenge: query.code_challenge ?? "",
    ...(query.state === undefined ? {} : { state: query.state }),
  };
  return { client, request, refusal: refusalOf(c, query) };
};

export const getAuthorizationServerMetadataHandler: RouteHandler<typeof getAuthorizationServerMetadata, AppEnv> = (
  c,
) => {
  googleConfig(c.env);
  const at = (path: string) => new URL(path, c.req.url).href;
  return c.json(
    {
      issuer: originOf(c),
      authorization_endpoint: at("/oauth/authorize"),
      token_endpoint: at("/oauth/token"),
      registration_endpoint: at("/oauth/register"),
      response_types_supported: ["code" as const],
      grant_types_supported: [...GRANT_TYPES],
      code_challenge_methods_supported: ["S256" as const],
      token_endpoint_auth_methods_supported: ["none" as const],
      authorization_response_iss_parameter_supported: true as const,
      service_documentation: at("/docs"),
    },
    Status.OK,
  );
};

export const registerOAuthClientHandler: RouteHandler<typeof registerOAuthClient, AppEnv> = async (c) => {
  googleConfig(c.env);
  const { redirect_uris, client_name } = c.req.valid("json");
  const client_id = await registerClient(c.env, { redirectUris: redirect_uris, name: client_name });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      client_id,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      ...(client_name === undefined ? {} : { client_name }),
      redirect_uris,
      token_endpoint_auth_method: "none" as const,
      grant_types: [...GRANT_TYPES],
      response_types: ["code" as const],
    },
    Status.CREATED,
  );
};

export const authorizeOAuthClientHandler: RouteHandler<typeof authorizeOAuthClient, AppEnv> = async (c) => {
  googleConfig(c.env);
  const query = c.req.valid("query");
  const { client, request, refusal } = await authorizationRequest(c, query);
  if (refusal) return redirectToClient(c, request, refusal) as never;
  for (const [name, value] of Object.entries(CONSENT_PAGE_HEADERS)) c.header(name, value);
  return c.html(consentPage({ clientName: client.name, redirectUri: request.redirectUri, fields: query }), Status.OK);
};

export const approveOAuthClientHandler: RouteHandler<typeof approveOAuthClient, AppEnv> = async (c) => {
  googleConfig(c.env);
  // Only the consent page may post here: a form on another site (posting cross-site, so with its own Origin)
  // must not be able to approve for the user.
  if (c.req.header("Origin") !== originOf(c)) {
    throw new ApiError("forbidden", "The consent form is accepted only from this server's own consent page (Origin).");
  }
  const { decision, ...query } = c.req.valid("form");
  const { request, refusal } = await authorizationRequest(c, query);
  if (refusal) return redirectToClient(c, request, refusal) as never;
  if (decision === "deny") {
    return redirectToClient(c, request, { error: "access_denied", error_description: "The user declined." }) as never;
  }
  return redirectToGoogle(c, request) as never;
};

export const exchangeOAuthTokenHandler: RouteHandler<typeof exchangeOAuthToken, AppEnv> = async (c) => {
  const form = c.req.valid("form");
  c.header("Cache-Control", "no-store");
  if (form.resource !== undefined && !isOurResource(c, form.resource)) {
    throw oauthRefused("invalid_target", `resource must be ${originOf(c)} or ${originOf(c)}/mcp.`);
  }
  if (form.grant_type === "refresh_token") {
    if (form.refresh_token === undefined) throw oauthRefused("invalid_request", "Send the refresh_token.");
    return c.json(await asGrant(refreshSession(c.env, form.refresh_token)), Status.OK);
  }
  if (form.grant_type !== "authorization_code") {
    throw oauthRefused("unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
  }
  const { code, client_id, redirect_uri, code_verifier } = form;
  if (code === undefined || client_id === undefined || redirect_uri === undefined || code_verifier === undefined) {
    throw oauthRefused(
      "invalid_request",
      "An authorization_code grant needs code, client_id, redirect_uri and code_verifier.",
    );
  }
  await clientOf(c.env, client_id);
  const tokens = await redeemCode(c.env, {
    code,
    clientId: client_id,
    redirectUri: redirect_uri,
    verifier: code_verifier,
  });
  return c.json(tokens, Status.OK);
};

import { z } from "@hono/zod-openapi";
import { redirectUriRefusal } from "../../auth/oauth-clients";
import { TokenSetSchema, tokenSetExample } from "../../wire/tokens";

const Url = z.url().max(2048);
export const GRANT_TYPES = ["authorization_code", "refresh_token"] as const;

export const AuthorizationServerMetadata = z
  .object({
    issuer: Url,
    authorization_endpoint: Url,
    token_endpoint: Url,
    registration_endpoint: Url,
    response_types_supported: z.array(z.literal("code")).max(1),
    grant_types_supported: z.array(z.enum(GRANT_TYPES)).max(2),
    code_challenge_methods_supported: z.array(z.literal("S256")).max(1),
    token_endpoint_auth_methods_supported: z.array(z.literal("none")).max(1),
    authorization_response_iss_parameter_supported: z.literal(true),
    service_documentation: Url,
  })
  .openapi("AuthorizationServerMetadata", {
    example: {
      issuer: "https://api.experience-layer.dev",
      authorization_endpoint: "https://api.experience-layer.dev/oauth/authorize",
      token_endpoint: "https://api.experience-layer.dev/oauth/token",
      registration_endpoint: "https://api.experience-layer.dev/oauth/register",
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
      authorization_response_iss_parameter_supported: true,
      service_documentation: "https://api.experience-layer.dev/docs",
    },
  });

const RedirectUri = z
  .string()
  .max(512)
  .superRefine((uri, ctx) => {
    const refusal = redirectUriRefusal(uri);
    if (refusal) ctx.addIssue({ code: "custom", message: `The redirect URI ${refusal}.` });
  })
  .openapi({ description: "https, http on a loopback host (any port matches later), or the app's own scheme." });

const ClientName = z.string().trim().min(1).max(100).openapi({ description: "Shown to the user on the consent page." });

// Metadata this server does not use is ignored, as RFC 7591 §2 asks.
export const ClientRegistrationRequest = z
  .object({
    redirect_uris: z.array(RedirectUri).min(1).max(5),
    client_name: ClientName.optional(),
  })
  .openapi("OAuthClientRegistrationRequest", {
    example: { redirect_uris: ["http://127.0.0.1:33418/callback"], client_name: "Claude" },
  });

export const ClientRegistration = z
  .object({
    client_id: z.string().max(8192).openapi({ description: "Opaque; the registration itself, signed by this server." }),
    client_id_issued_at: z
      .int()
      .min(0)
      .max(2 ** 53 - 1)
      .openapi({ format: "int64", description: "Unix time, seconds." }),
    client_name: ClientName.optional(),
    redirect_uris: z.array(z.string().max(512)).max(5),
    token_endpoint_auth_method: z.literal("none").openapi({ description: "Every client is public and uses PKCE." }),
    grant_types: z.array(z.enum(GRANT_TYPES)).max(2),
    response_types: z.array(z.literal("code")).max(1),
  })
  .openapi("OAuthClientRegistration", {
    example: {
      client_id: "eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWNsaWVudCtqd3QifQ.eyJydSI6WyJodHRwOi8vMTI3LjAuMC4xIl19.sig",
      client_id_issued_at: 1_796_371_200,
      client_name: "Claude",
      redirect_uris: ["http://127.0.0.1:33418/callback"],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
  });

/** The authorization request (RFC 6749 §4.1.1 with PKCE and RFC 8707's `resource`); checked by the handler, which
 * redirects most refusals back to the client as OAuth asks. */
export const AuthorizeQuery = z.object({
  client_id: z.string().min(1).max(8192).openapi({ description: "From POST /oauth/register." }),
  redirect_uri: z.string().min(1).max(512).openapi({ description: "One of the client's registered redirect URIs." }),
  response_type: z.string().max(64).optional().openapi({ description: "`code`.", example: "code" }),
  code_challenge: z.string().max(256).optional().openapi({
    description: "PKCE: base64url(SHA-256(code_verifier)). Required.",
    example: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  }),
  code_challenge_method: z.string().max(64).optional().openapi({ description: "`S256`.", example: "S256" }),
  state: z.string().max(512).optional().openapi({ description: "Returned to the client unchanged." }),
  scope: z.string().max(2000).optional().openapi({
    description: "Accepted and ignored: the tokens act with the signed-in user's role, as their sign-in would.",
  }),
  resource: z.string().max(2048).optional().openapi({
    description: "RFC 8707: this API's origin or its MCP endpoint (`<origin>/mcp`).",
    example: "https://api.experience-layer.dev/mcp",
  }),
});

export const AuthorizeForm = AuthorizeQuery.extend({
  decision: z.enum(["approve", "deny"]).openapi({ description: "The button the user pressed." }),
});

export const TokenForm = z.object({
  grant_type: z.string().max(64).openapi({ description: "`authorization_code` or `refresh_token`." }),
  code: z.string().max(4096).optional(),
  redirect_uri: z.string().max(512).optional(),
  code_verifier: z
    .string()
    .max(128)
    .regex(/^[\w.~-]{43,128}$/)
    .optional()
    .openapi({ description: "RFC 7636: 43 to 128 characters of [A-Za-z0-9-._~]." }),
  client_id: z.string().max(8192).optional(),
  refresh_token: z.string().max(512).optional(),
  resource: z.string().max(2048).optional(),
});

export const OAuthTokens = TokenSetSchema.openapi("OAuthTokens", {
  description: "This API's tokens, as an OAuth token response (RFC 6749 §5.1).",
  example: tokenSetExample,
});

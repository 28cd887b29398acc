import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

/** How callers authenticate; operations name them in `security` (see src/auth/access.ts). */
export const registerSecuritySchemes = (app: OpenAPIHono<AppEnv>) => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An access token from sign-in or POST /auth/refresh: an ES256 JWT (15 minutes) issued and verified per RFC8725 (JWT best current practices: one explicit algorithm, `kid`, `typ: at+jwt`, `iss`/`aud`/`exp`/`nbf` checked). Partner API keys (`elk_…`) are also accepted as Bearer.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "A partner API key (admins create them at POST /api-keys). Its scopes decide what it may call.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "streamToken", {
    type: "apiKey",
    in: "query",
    name: "token",
    description:
      "A stream token from POST /stream-tokens, for clients that cannot send headers (a browser's `EventSource`). It lasts 5 minutes, opens the one stream it was issued for (with `Accept: text/event-stream`) and nothing else, and is checked again on use: a revoked session or key cannot use it.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "googleOAuth", {
    type: "oauth2",
    description:
      "Sign in with Google (OpenID Connect, authorization code + PKCE S256). The flow ends in our own tokens, used as `bearerAuth`; Google's ID tokens are verified per RFC8725 (RS256 only, Google's keys by `kid`, `iss`/`aud`/`exp`/`nonce` checked). One Tap and mobile apps post their ID token to POST /auth/google/id-token instead.",
    flows: {
      authorizationCode: {
        authorizationUrl: "/auth/google/start",
        tokenUrl: "/auth/google/callback",
        // Our access tokens last 15 minutes; the refresh token from sign-in renews them here.
        refreshUrl: "/auth/refresh",
        scopes: {
          openid: "Sign in with your Google account.",
          email: "Your verified email address.",
          profile: "Your name and picture.",
        },
      },
    },
  });
};

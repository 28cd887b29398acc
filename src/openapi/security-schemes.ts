import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

/** How callers authenticate; operations name them in `security` (see src/auth/access.ts). */
export const registerSecuritySchemes = (app: OpenAPIHono<AppEnv>) => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An access token from sign-in or POST /auth/refresh: an ES256 JWT (15 minutes) issued and verified per RFC8725 (JWT best current practices: one explicit algorithm, `kid`, `typ: at+jwt`, `iss`/`aud`/`exp`/`nbf` checked).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "A partner API key (admins create them at POST /api-keys). Its scopes decide what it may call.",
  });
};

import { z } from "@hono/zod-openapi";
import { envelope } from "../../schemas/common";
import { RoleSchema } from "../users/users.schemas";

export const TokenSetSchema = z
  .object({
    access_token: z.string().max(4096).openapi({ description: "JWT (ES256) to send as `Authorization: Bearer …`." }),
    token_type: z.literal("Bearer"),
    expires_in: z
      .int()
      .min(1)
      .max(86_400)
      .openapi({ format: "int32", description: "Seconds until the access token expires." }),
    refresh_token: z
      .string()
      .max(512)
      .openapi({ description: "Opaque; send to POST /auth/refresh. Rotates on every use." }),
    session_id: z.string().max(64),
  })
  .openapi("TokenSet");

export const TokenResponse = envelope(TokenSetSchema, "TokenResponse", {
  access_token:
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleS0yMDI2LTExLTI1IiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJjbWlmN3ZqM2sifQ.sig",
  token_type: "Bearer",
  expires_in: 900,
  refresh_token: "cmif7vj3k0000session00001.c2VjcmV0LXJlZnJlc2gtdG9rZW4tdmFsdWU",
  session_id: "cmif7vj3k0000session00001",
});

export const DevSignInBody = z
  .strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.default("USER"),
  })
  .openapi("DevSignInRequest", { example: { email: "ada@example.com", role: "ADMIN" } });

export const RefreshBody = z
  .strictObject({ refresh_token: z.string().min(1).max(512) })
  .openapi("RefreshRequest", { example: { refresh_token: "cmif7vj3k0000session00001.c2VjcmV0" } });

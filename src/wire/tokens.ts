import { z } from "@hono/zod-openapi";

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

export type TokenSet = z.infer<typeof TokenSetSchema>;

export const tokenSetExample: TokenSet = {
  access_token:
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleS0yMDI2LTExLTI1IiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJjbWlmN3ZqM2sifQ.sig",
  token_type: "Bearer",
  expires_in: 900,
  refresh_token: "cmif7vj3k0000session00001.c2VjcmV0LXJlZnJlc2gtdG9rZW4tdmFsdWU",
  session_id: "cmif7vj3k0000session00001",
};

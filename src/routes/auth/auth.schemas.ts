import { z } from "@hono/zod-openapi";
import { envelope } from "../../schemas/common";
import { TokenSetSchema, tokenSetExample } from "../../wire/tokens";
import { RoleSchema } from "../../wire/users";

export const TokenResponse = envelope(TokenSetSchema, "TokenResponse", tokenSetExample);

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

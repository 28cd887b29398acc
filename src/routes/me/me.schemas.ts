import { z } from "@hono/zod-openapi";
import { Id, pageEnvelope, Timestamp } from "../../schemas/common";
import { UserSchema } from "../users/users.schemas";

export const UpdateProfileBody = z
  .strictObject({
    name: UserSchema.shape.name.optional(),
    avatar_url: UserSchema.shape.avatar_url.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdateProfileRequest", { example: { name: "Ada King" } });

export const SessionSchema = z
  .object({
    id: Id,
    current: z.boolean().openapi({ description: "True for the session of the token that made this request." }),
    user_agent: z.string().max(512).nullable(),
    ip: z.string().max(64).nullable(),
    created_at: Timestamp,
    last_used_at: Timestamp.openapi({ description: "When its refresh token was last used." }),
    expires_at: Timestamp,
    revoked_at: Timestamp.nullable(),
  })
  .openapi("Session");

export const SessionPage = pageEnvelope(SessionSchema, "SessionPage", {
  id: "cmif7vj3k0000session00001",
  current: true,
  user_agent: "Mozilla/5.0",
  ip: "203.0.113.7",
  created_at: "2026-11-25T10:00:00.000Z",
  last_used_at: "2026-11-25T10:00:00.000Z",
  expires_at: "2026-12-25T10:00:00.000Z",
  revoked_at: null,
});

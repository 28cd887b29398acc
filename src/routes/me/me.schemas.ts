import { z } from "@hono/zod-openapi";
import { pageEnvelope } from "../../schemas/common";
import { SessionSchema, sessionExample } from "../../wire/sessions";
import { UserSchema } from "../../wire/users";

export const UpdateProfileBody = z
  .strictObject({
    name: UserSchema.shape.name.optional(),
    avatar_url: UserSchema.shape.avatar_url.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdateProfileRequest", { example: { name: "Ada King" } });

export const SessionPage = pageEnvelope(SessionSchema, "SessionPage", sessionExample);

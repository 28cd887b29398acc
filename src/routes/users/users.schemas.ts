import { z } from "@hono/zod-openapi";
import { envelope, Id, PageQuery, pageEnvelope, Timestamp } from "../../schemas/common";

export const RoleSchema = z.enum(["ADMIN", "USER", "VIEWER"]).openapi("Role", {
  description: "ADMIN manages users and keys; USER works in their own threads; VIEWER is read-only.",
});

const Email = z
  .email()
  .max(254)
  .openapi({ example: "ada@example.com", description: "Stored and matched lower-cased." });
const Name = z.string().trim().min(1).max(200).openapi({ example: "Ada Lovelace" });
const AvatarUrl = z
  .url({ protocol: /^https$/ })
  .max(2048)
  .openapi({ example: "https://example.com/ada.png" });

export const UserSchema = z
  .object({
    id: Id,
    email: Email,
    name: Name,
    role: RoleSchema,
    avatar_url: AvatarUrl.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("User");

export const CreateUserBody = z
  .strictObject({
    email: Email,
    name: Name,
    role: RoleSchema.default("USER"),
    avatar_url: AvatarUrl.optional(),
  })
  .openapi("CreateUserRequest", { example: { email: "ada@example.com", name: "Ada Lovelace", role: "USER" } });

export const UpdateUserBody = z
  .strictObject({
    email: Email.optional(),
    name: Name.optional(),
    role: RoleSchema.optional(),
    avatar_url: AvatarUrl.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdateUserRequest", { example: { name: "Ada King" } });

export const ListUsersQuery = PageQuery.extend({
  role: RoleSchema.optional().openapi({
    param: { name: "role", in: "query" },
    description: "Only users with this role.",
  }),
  email: Email.optional().openapi({
    param: { name: "email", in: "query" },
    description: "Only the user with this email.",
  }),
});

const userExample: z.input<typeof UserSchema> = {
  id: "cmif7vj3k0000abcd12345678",
  email: "ada@example.com",
  name: "Ada Lovelace",
  role: "USER",
  avatar_url: null,
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

export const UserResponse = envelope(UserSchema, "UserResponse", userExample);
export const UserPage = pageEnvelope(UserSchema, "UserPage", userExample);

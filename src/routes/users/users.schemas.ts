import { z } from "@hono/zod-openapi";
import { envelope, PageQuery, pageEnvelope } from "../../schemas/common";
import { AvatarUrl, Email, Name, RoleSchema, UserSchema, userExample } from "../../wire/users";

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

export const UserResponse = envelope(UserSchema, "UserResponse", userExample);
export const UserPage = pageEnvelope(UserSchema, "UserPage", userExample);

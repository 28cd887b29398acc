import { z } from "@hono/zod-openapi";
import type { User } from "../generated/prisma/client";
import { Id, Timestamp } from "../schemas/common";

export const RoleSchema = z.enum(["ADMIN", "USER", "VIEWER"]).openapi("Role", {
  description: "ADMIN manages users and keys; USER works in their own threads; VIEWER is read-only.",
});

export const Email = z
  .email()
  .max(254)
  .openapi({ example: "ada@example.com", description: "Stored and matched lower-cased." });
export const Name = z.string().trim().min(1).max(200).openapi({ example: "Ada Lovelace" });
export const AvatarUrl = z
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

export const userExample: z.input<typeof UserSchema> = {
  id: "cmif7vj3k0000abcd12345678",
  email: "ada@example.com",
  name: "Ada Lovelace",
  role: "USER",
  avatar_url: null,
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

export const userToWire = (user: User): z.infer<typeof UserSchema> => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  avatar_url: user.avatarUrl,
  created_at: user.createdAt.toISOString(),
  updated_at: user.updatedAt.toISOString(),
});

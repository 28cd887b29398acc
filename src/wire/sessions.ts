import { z } from "@hono/zod-openapi";
import type { Session } from "../generated/prisma/client";
import { Id, Timestamp } from "../schemas/common";

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

export const sessionExample: z.input<typeof SessionSchema> = {
  id: "cmif7vj3k0000session00001",
  current: true,
  user_agent: "Mozilla/5.0",
  ip: "203.0.113.7",
  created_at: "2026-11-25T10:00:00.000Z",
  last_used_at: "2026-11-25T10:00:00.000Z",
  expires_at: "2026-12-25T10:00:00.000Z",
  revoked_at: null,
};

/** A session as its user sees it: `current` marks the one the request came with. */
export const sessionToWire = (session: Session, currentId: string): z.infer<typeof SessionSchema> => ({
  id: session.id,
  current: session.id === currentId,
  user_agent: session.userAgent,
  ip: session.ip,
  created_at: session.createdAt.toISOString(),
  last_used_at: session.lastUsedAt.toISOString(),
  expires_at: session.expiresAt.toISOString(),
  revoked_at: session.revokedAt?.toISOString() ?? null,
});

import type { Role } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import { sqlDate } from "./d1";
import type { Store } from "./db";
import { after, NEWEST_FIRST } from "./keyset";

export const sessionsRepository = ({ db }: Store) => ({
  create: (data: {
    userId: string;
    refreshTokenHash: string;
    userAgent: string | null;
    ip: string | null;
    expiresAt: Date;
  }) => db.session.create({ data }),

  /** The session with its user, as every authenticated request needs both (one query). */
  findWithUser: (id: string) => db.session.findFirst({ where: { id }, include: { user: true } }),

  /**
   * Swaps the refresh-token hash only if it is still `currentHash`, in one statement: of two
   * concurrent refreshes with the same token exactly one wins. False when it lost.
   */
  rotate: async (id: string, currentHash: string, nextHash: string, now: Date) =>
    (
      await db.session.updateMany({
        where: { id, refreshTokenHash: currentHash, revokedAt: null },
        data: { refreshTokenHash: nextHash, lastUsedAt: now },
      })
    ).count === 1,

  revoke: (id: string, now: Date) =>
    db.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } }),

  /** One page (plus one row) of a user's sessions, newest first. */
  listPageForUser: (userId: string, limit: number, position: CursorPosition | null) =>
    db.session.findMany({ where: { userId, ...after(position) }, orderBy: NEWEST_FIRST, take: limit + 1 }),

  revokeForUser: async (userId: string, id: string, now: Date) =>
    (await db.session.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now } })).count === 1,
});

/**
 * The role of the user of session `id` and when the session expires, if it is live (not revoked, not expired) and
 * theirs: the read an authenticated request makes, so it is one statement (Prisma's `include` would send two).
 */
export const liveSession = (d1: D1Database, id: string, userId: string, now: Date) =>
  d1
    .prepare(
      `SELECT u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?`,
    )
    .bind(id, userId, sqlDate(now))
    .first<{ role: Role; expires_at: string }>();

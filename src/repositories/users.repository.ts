import type { Role } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Store } from "./db";
import { after, NEWEST_FIRST } from "./keyset";

export interface UserListOptions {
  limit: number;
  after?: CursorPosition | null;
  role?: Role;
  email?: string;
}

export interface UserChanges {
  email?: string;
  name?: string;
  role?: Role;
  avatarUrl?: string | null;
}

export const usersRepository = ({ db, d1 }: Store) => ({
  create: (data: { email: string; name: string; role: Role; avatarUrl?: string | null }) => db.user.create({ data }),

  findById: (id: string) => db.user.findFirst({ where: { id } }),

  /** The roles of those of these users who exist, by id. */
  rolesOf: async (ids: string[]) =>
    new Map(
      (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, role: true } })).map((user) => [
        user.id,
        user.role,
      ]),
    ),

  /** Local development sign-in: the user with this email, created or given this role. */
  upsertByEmail: (email: string, data: { name: string; role: Role }) =>
    db.user.upsert({ where: { email }, create: { email, ...data }, update: { role: data.role } }),

  /**
   * Google sign-in: the user linked to this Google account (`sub`); else the user with its verified
   * email, which gets linked; else a new USER. Null when that email belongs to a user already linked
   * to another Google account: a link is never moved, since an address can change hands.
   */
  upsertByGoogleSub: async (google: { sub: string; email: string; name: string; avatarUrl: string | null }) => {
    const linked = await db.user.findFirst({ where: { googleSub: google.sub } });
    if (linked) return linked;
    const { count } = await db.user.updateMany({
      where: { email: google.email, googleSub: null },
      data: { googleSub: google.sub },
    });
    if (count > 0) return db.user.findFirst({ where: { googleSub: google.sub } });
    if (await db.user.findFirst({ where: { email: google.email }, select: { id: true } })) return null;
    // An upsert, so two first sign-ins racing each other end with one user instead of a unique-key error.
    return db.user.upsert({
      where: { googleSub: google.sub },
      create: {
        googleSub: google.sub,
        email: google.email,
        name: google.name,
        avatarUrl: google.avatarUrl,
        role: "USER",
      },
      update: {},
    });
  },

  /** One page plus one row, so the caller knows whether there is a next page. */
  listPage: ({ limit, after: position, role, email }: UserListOptions) =>
    db.user.findMany({ where: { role, email, ...after(position) }, orderBy: NEWEST_FIRST, take: limit + 1 }),

  /**
   * Updates only if the row still has `expectedUpdatedAt` (when given), in one statement, so an
   * If-Match check cannot race another writer. Returns null when nothing matched.
   */
  update: async (id: string, changes: UserChanges, expectedUpdatedAt?: Date) => {
    const { count } = await db.user.updateMany({
      where: { id, ...(expectedUpdatedAt ? { updatedAt: expectedUpdatedAt } : {}) },
      data: changes,
    });
    return count === 0 ? null : db.user.findFirst({ where: { id } });
  },

  /** Deletes the user (their threads, sessions and the rest by cascade) and their read marks in others' threads. */
  delete: async (id: string) => {
    const [user] = await d1.batch([
      d1.prepare("DELETE FROM users WHERE id = ?").bind(id),
      d1.prepare("DELETE FROM thread_reads WHERE reader_type = 'user' AND reader_id = ?").bind(id),
    ]);
    return (user?.meta.changes ?? 0) > 0;
  },
});

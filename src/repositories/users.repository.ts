import type { Prisma, Role } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Db } from "./db";

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

/** Rows strictly after `after` in (created_at DESC, id DESC) order. */
const before = (after: CursorPosition): Prisma.UserWhereInput => ({
  OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
});

export const usersRepository = (db: Db) => ({
  create: (data: { email: string; name: string; role: Role; avatarUrl?: string | null }) => db.user.create({ data }),

  findById: (id: string) => db.user.findUnique({ where: { id } }),

  /** One page plus one row, so the caller knows whether there is a next page. */
  listPage: ({ limit, after, role, email }: UserListOptions) =>
    db.user.findMany({
      where: { role, email, ...(after ? before(after) : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    }),

  /**
   * Updates only if the row still has `expectedUpdatedAt` (when given), in one statement, so an
   * If-Match check cannot race another writer. Returns null when nothing matched.
   */
  update: async (id: string, changes: UserChanges, expectedUpdatedAt?: Date) => {
    const { count } = await db.user.updateMany({
      where: { id, ...(expectedUpdatedAt ? { updatedAt: expectedUpdatedAt } : {}) },
      data: changes,
    });
    return count === 0 ? null : db.user.findUnique({ where: { id } });
  },

  delete: async (id: string) => (await db.user.deleteMany({ where: { id } })).count > 0,
});

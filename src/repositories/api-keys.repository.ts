import type { CursorPosition } from "../http/cursor";
import type { Store } from "./db";
import { after, NEWEST_FIRST } from "./keyset";

export const apiKeysRepository = ({ db }: Store) => ({
  create: (data: {
    name: string;
    prefix: string;
    keyHash: string;
    scopes: string[];
    createdById: string | null;
    expiresAt: Date | null;
  }) => db.apiKey.create({ data }),

  findById: (id: string) => db.apiKey.findFirst({ where: { id } }),

  /** Authentication's one query: the prefix is unique and indexed. */
  findByPrefix: (prefix: string) => db.apiKey.findFirst({ where: { prefix } }),

  /** One page plus one row, so the caller knows whether there is a next page. */
  listPage: (limit: number, position: CursorPosition | null) =>
    db.apiKey.findMany({ where: after(position), orderBy: NEWEST_FIRST, take: limit + 1 }),

  /**
   * Sets `last_used_at` only if it is still unset or older than `staleBefore`, in one statement, so
   * concurrent requests of the same key write it once.
   */
  recordUse: (id: string, now: Date, staleBefore: Date) =>
    db.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    }),

  /**
   * Revokes once (a second revoke keeps the first time), and drops the key's read marks: it reads nothing more.
   * False when no key has this id.
   */
  revoke: async (id: string, now: Date) => {
    const { count } = await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    await db.threadRead.deleteMany({ where: { readerType: "api_key", readerId: id } });
    return count > 0 || (await db.apiKey.count({ where: { id } })) > 0;
  },
});

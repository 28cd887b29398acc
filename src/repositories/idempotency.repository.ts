import type { Prisma } from "../generated/prisma/client";
import type { Store } from "./db";
import { isUniqueViolation } from "./errors";

export interface IdempotencyClaim {
  scope: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  expiresAt: Date;
}

export interface StoredResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export const idempotencyRepository = ({ db }: Store) => {
  const where = (scope: string, key: string) => ({ scope_key: { scope, key } });

  return {
    /**
     * Claims the key with one INSERT, so two concurrent requests cannot both run. An expired record
     * is removed and the claim retried once. Returns false when someone else holds the key.
     */
    claim: async (claim: IdempotencyClaim): Promise<boolean> => {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await db.idempotencyRecord.create({ data: claim });
          return true;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const { count } = await db.idempotencyRecord.deleteMany({
            where: { scope: claim.scope, key: claim.key, expiresAt: { lt: new Date() } },
          });
          if (count === 0) return false;
        }
      }
      return false;
    },

    find: (scope: string, key: string) => db.idempotencyRecord.findFirst({ where: { scope, key } }),

    complete: (scope: string, key: string, response: StoredResponse) =>
      db.idempotencyRecord.update({
        where: where(scope, key),
        data: {
          responseStatus: response.status,
          responseBody: response.body,
          responseHeaders: response.headers as Prisma.InputJsonObject,
        },
      }),

    /** Frees the key of a request that did not succeed, so a corrected retry can use it. */
    release: (scope: string, key: string) => db.idempotencyRecord.deleteMany({ where: { scope, key } }),

    deleteExpired: (now: Date) => db.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } }),
  };
};

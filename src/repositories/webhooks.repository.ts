import type { CursorPosition } from "../http/cursor";
import { newId } from "./d1";
import type { Store } from "./db";
import { after, NEWEST_FIRST } from "./keyset";

/**
 * The subscriptions a caller manages, as the repository filters them (src/auth/reach.ts decides it): every
 * one (admins and workspace-wide keys), or those the caller created.
 */
export type WebhookScope = null | { createdByKeyId: string } | { createdByUserId: string };

const inScope = (scope: WebhookScope) => scope ?? {};

export interface SealedColumns {
  secretKid: string;
  secretCiphertext: string;
}

export interface NewWebhook extends SealedColumns {
  url: string;
  events: string[];
  description: string | null;
  threadId: string | null;
  creator: { userId: string } | { keyId: string };
  now: Date;
}

export interface WebhookChanges {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

/** Webhook subscriptions (the deliveries are in ./webhook-deliveries.repository.ts). */
export const webhooksRepository = ({ db }: Store) => ({
  create: ({ creator, now, ...fields }: NewWebhook) =>
    db.webhookSubscription.create({
      data: {
        id: newId(),
        ...fields,
        ...("userId" in creator ? { createdByUserId: creator.userId } : { createdByKeyId: creator.keyId }),
        createdAt: now,
        updatedAt: now,
      },
    }),

  /** How many subscriptions this creator has (bounded per creator). */
  countByCreator: (creator: NewWebhook["creator"]) =>
    db.webhookSubscription.count({
      where: "userId" in creator ? { createdByUserId: creator.userId } : { createdByKeyId: creator.keyId },
    }),

  findById: (id: string, scope: WebhookScope) => db.webhookSubscription.findFirst({ where: { id, ...inScope(scope) } }),

  /** Newest first; one page plus one row, so the caller knows whether there is more. */
  listPage: (limit: number, position: CursorPosition | null, scope: WebhookScope) =>
    db.webhookSubscription.findMany({
      where: { ...inScope(scope), ...after(position) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
    }),

  /** Enabling again clears why it was disabled and its failing streak. Null when it is gone (deleted meanwhile). */
  update: async (id: string, changes: WebhookChanges, now: Date) => {
    const { count } = await db.webhookSubscription.updateMany({
      where: { id },
      data: {
        ...changes,
        ...(changes.enabled === true ? { disabledReason: null, failingSince: null } : {}),
        updatedAt: now,
      },
    });
    return count === 1 ? db.webhookSubscription.findFirst({ where: { id } }) : null;
  },

  delete: (id: string) => db.webhookSubscription.deleteMany({ where: { id } }),

  /** A new secret; the one it replaces keeps signing until `previousUntil`. Null when it is gone. */
  rotate: async (id: string, current: SealedColumns, previous: SealedColumns, previousUntil: Date, now: Date) => {
    const { count } = await db.webhookSubscription.updateMany({
      where: { id },
      data: {
        ...current,
        previousSecretKid: previous.secretKid,
        previousSecretCiphertext: previous.secretCiphertext,
        previousSecretExpiresAt: previousUntil,
        updatedAt: now,
      },
    });
    return count === 1 ? db.webhookSubscription.findFirst({ where: { id } }) : null;
  },

  /** A delivery succeeded: the failing streak (if any) ends. */
  recordSuccess: (id: string) =>
    db.webhookSubscription.updateMany({ where: { id, failingSince: { not: null } }, data: { failingSince: null } }),

  /** An attempt failed: the streak starts now unless it runs already. Answers the subscription. */
  recordFailure: async (id: string, now: Date) => {
    await db.webhookSubscription.updateMany({ where: { id, failingSince: null }, data: { failingSince: now } });
    return db.webhookSubscription.findFirst({ where: { id } });
  },

  /** The service disables a subscription that kept failing, saying why. */
  disable: (id: string, reason: string, now: Date) =>
    db.webhookSubscription.updateMany({
      where: { id, enabled: true },
      data: { enabled: false, disabledReason: reason, updatedAt: now },
    }),
});

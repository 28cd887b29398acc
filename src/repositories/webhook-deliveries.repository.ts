import type { WebhookDeliveryStatus } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import { TEST_EVENT_TYPE } from "../wire/webhooks";
import { newId } from "./d1";
import type { Store } from "./db";
import { after, NEWEST_FIRST } from "./keyset";

/** What one attempt came to. */
export interface AttemptOutcome {
  at: Date;
  ok: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  /** When to try again after a failure; null: no attempt is left (the delivery fails). */
  retryAt: Date | null;
}

/**
 * Webhook deliveries: the outbox rows (written with their events, ./webhook-outbox.ts) and each one's
 * attempts. The row is the truth about a delivery; queue messages only say "look at this one now".
 */
export const webhookDeliveriesRepository = ({ db }: Store) => ({
  /** A `webhook.test` delivery, due now. */
  createTest: (subscriptionId: string, now: Date) =>
    db.webhookDelivery.create({
      data: {
        id: newId(),
        subscriptionId,
        eventType: TEST_EVENT_TYPE,
        status: "PENDING",
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      },
    }),

  /**
   * Takes the delivery for one attempt if it is pending, due (within `slackMs`) and nobody holds it: it is
   * held until `until`, so a duplicate queue message does not send it twice at once. Null when not taken.
   */
  claim: async (id: string, now: Date, until: Date, slackMs: number) => {
    const { count } = await db.webhookDelivery.updateMany({
      where: {
        id,
        status: "PENDING",
        nextAttemptAt: { lte: new Date(now.getTime() + slackMs) },
        OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }],
      },
      data: { lockedUntil: until },
    });
    return count === 1 ? db.webhookDelivery.findFirst({ where: { id } }) : null;
  },

  /** Records an attempt: SUCCEEDED, PENDING until `retryAt`, or FAILED. */
  recordAttempt: (id: string, outcome: AttemptOutcome) => {
    const status: WebhookDeliveryStatus = outcome.ok ? "SUCCEEDED" : outcome.retryAt ? "PENDING" : "FAILED";
    return db.webhookDelivery.update({
      where: { id },
      data: {
        status,
        attempts: { increment: 1 },
        nextAttemptAt: status === "PENDING" ? outcome.retryAt : null,
        lockedUntil: null,
        lastAttemptAt: outcome.at,
        lastResponseStatus: outcome.responseStatus,
        lastResponseBody: outcome.responseBody,
        lastDurationMs: outcome.durationMs,
        lastError: outcome.error,
        updatedAt: outcome.at,
      },
    });
  },

  /** Ends a delivery that can no longer be sent (its subscription was disabled, its creator lost access). */
  fail: (id: string, reason: string, now: Date) =>
    db.webhookDelivery.updateMany({
      where: { id, status: "PENDING" },
      data: { status: "FAILED", nextAttemptAt: null, lockedUntil: null, lastError: reason, updatedAt: now },
    }),

  /** Pending deliveries whose attempt is overdue since before `dueBefore` and that nobody holds: lost pokes. */
  overdue: async (dueBefore: Date, now: Date, limit: number) =>
    (
      await db.webhookDelivery.findMany({
        where: {
          status: "PENDING",
          nextAttemptAt: { lt: dueBefore },
          OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }],
        },
        select: { id: true },
        orderBy: { nextAttemptAt: "asc" },
        take: limit,
      })
    ).map((row) => row.id),

  find: (subscriptionId: string, id: string) => db.webhookDelivery.findFirst({ where: { id, subscriptionId } }),

  /** A subscription's deliveries, newest first, optionally of one status; one page plus one row. */
  listPage: (
    subscriptionId: string,
    limit: number,
    position: CursorPosition | null,
    status: WebhookDeliveryStatus | undefined,
  ) =>
    db.webhookDelivery.findMany({
      where: { subscriptionId, ...(status ? { status } : {}), ...after(position) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
    }),

  /**
   * Sends a finished delivery again, now: one more attempt (a failed one gets no automatic retries after it).
   * Null when it is gone (its subscription deleted meanwhile).
   */
  retry: async (id: string, now: Date) => {
    const { count } = await db.webhookDelivery.updateMany({
      where: { id },
      data: { status: "PENDING", nextAttemptAt: now, lockedUntil: null, updatedAt: now },
    });
    return count === 1 ? db.webhookDelivery.findFirst({ where: { id } }) : null;
  },

  /** Retention: finished deliveries older than `before` (events' own retention takes theirs with them). */
  deleteOlderThan: async (before: Date) =>
    (await db.webhookDelivery.deleteMany({ where: { createdAt: { lt: before }, status: { not: "PENDING" } } })).count,
});

import { keyringFrom } from "../auth/keyring";
import type { Bindings, WebhookJob } from "../env";
import type { WebhookDelivery, WebhookSubscription } from "../generated/prisma/client";
import { createLogger, errorMessage } from "../logging";
import { repositories } from "../repositories";
import { eventToWire } from "../wire/events";
import { eventPayload, testPayload } from "../wire/webhook-payloads";
import { attemptDelivery } from "./attempt";
import { enqueueDeliveries } from "./enqueue";
import { openSecret } from "./secrets";
import { retryDelaySeconds, type WebhookSettings, webhookSettings } from "./settings";
import { signWebhook } from "./signature";
import { refusalOf } from "./url-policy";

const log = createLogger({ job: "webhooks" });

/** A queue message may come a little before its delivery is due (clocks); it is taken anyway. */
const EARLY_SLACK_MS = 5_000;
/** How long a claim outlives the attempt's timeout before another consumer may take the delivery. */
const CLAIM_MARGIN_MS = 15_000;

/** Why the delivery can no longer be sent at all, or null. */
const cannotSend = async (env: Bindings, subscription: WebhookSubscription, now: Date) => {
  if (!subscription.enabled) return "The subscription is disabled.";
  if (subscription.createdByKeyId) {
    const key = await repositories({ env }).apiKeys.findById(subscription.createdByKeyId);
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) {
      return "The API key that created the subscription was revoked or has expired.";
    }
  }
  return refusalOf(subscription.url, webhookSettings(env).urlPolicy);
};

/** The body a delivery POSTs, or null when its event is gone from the log. */
const bodyOf = async (env: Bindings, delivery: WebhookDelivery) => {
  if (delivery.threadId === null || delivery.seq === null) {
    return JSON.stringify(testPayload(delivery.subscriptionId, delivery.createdAt));
  }
  const event = await repositories({ env }).events.find(delivery.threadId, delivery.seq);
  return event ? JSON.stringify(eventPayload(eventToWire(event))) : null;
};

/** The secrets that sign now: the current one, and the previous one during its overlap. */
const signingSecrets = async (env: Bindings, subscription: WebhookSubscription, now: Date) => {
  const keys = keyringFrom(env.WEBHOOK_SECRET_KEYS) ?? [];
  const current = await openSecret(keys, { kid: subscription.secretKid, ciphertext: subscription.secretCiphertext });
  const overlap =
    subscription.previousSecretKid &&
    subscription.previousSecretCiphertext &&
    subscription.previousSecretExpiresAt &&
    subscription.previousSecretExpiresAt > now;
  const previous = overlap
    ? await openSecret(keys, {
        kid: subscription.previousSecretKid ?? "",
        ciphertext: subscription.previousSecretCiphertext ?? "",
      })
    : null;
  return current === null ? null : previous === null ? [current] : [current, previous];
};

/** A failure's bookkeeping on the subscription: its failing streak, and disabling it once that is too long. */
const recordFailure = async (env: Bindings, settings: WebhookSettings, subscriptionId: string, now: Date) => {
  const webhooks = repositories({ env }).webhooks;
  const subscription = await webhooks.recordFailure(subscriptionId, now);
  const since = subscription?.failingSince;
  if (since && now.getTime() - since.getTime() >= settings.disableAfterMs) {
    const hours = Math.round(settings.disableAfterMs / 3_600_000);
    await webhooks.disable(
      subscriptionId,
      `Every delivery failed for ${hours} hours (since ${since.toISOString()}); fix the endpoint, then enable the subscription again.`,
      now,
    );
    log.info("webhook subscription disabled", { webhook_id: subscriptionId, failing_since: since.toISOString() });
  }
};

/** One delivery: claim it, send it once, record the attempt and schedule the next one if it failed. */
const deliverOne = async (env: Bindings, deliveryId: string) => {
  const settings = webhookSettings(env);
  const { webhooks, webhookDeliveries } = repositories({ env });
  const now = new Date();
  const delivery = await webhookDeliveries.claim(
    deliveryId,
    now,
    new Date(now.getTime() + settings.timeoutMs + CLAIM_MARGIN_MS),
    EARLY_SLACK_MS,
  );
  // Not pending, not due, or being sent by another consumer: nothing to do for this message.
  if (!delivery) return;
  const subscription = await webhooks.findById(delivery.subscriptionId, null);
  if (!subscription) return;
  const reason = await cannotSend(env, subscription, now);
  const body = reason === null ? await bodyOf(env, delivery) : null;
  if (reason !== null || body === null) {
    const why =
      reason ?? "The event is no longer in the thread's log (its thread was deleted, or it passed retention).";
    await webhookDeliveries.fail(delivery.id, why, now);
    log.info("webhook delivery dropped", { delivery_id: delivery.id, reason: why });
    return;
  }
  const secrets = await signingSecrets(env, subscription, now);
  const result = secrets
    ? await attemptDelivery(
        subscription.url,
        await signWebhook(secrets, delivery.id, now, body),
        body,
        settings.timeoutMs,
      )
    : {
        ok: false,
        responseStatus: null,
        responseBody: null,
        durationMs: 0,
        error: `The signing secret cannot be decrypted: its key (${subscription.secretKid}) is not in WEBHOOK_SECRET_KEYS.`,
      };
  const attempts = delivery.attempts + 1;
  const delay = result.ok ? null : retryDelaySeconds(settings, attempts);
  const retryAt = delay === null ? null : new Date(now.getTime() + delay * 1000);
  await webhookDeliveries.recordAttempt(delivery.id, { ...result, at: now, retryAt });
  log.info("webhook attempt", {
    delivery_id: delivery.id,
    webhook_id: subscription.id,
    attempt: attempts,
    ok: result.ok,
    status: result.responseStatus,
    duration_ms: result.durationMs,
    ...(result.error ? { error: result.error } : {}),
  });
  if (result.ok) {
    await webhooks.recordSuccess(subscription.id);
    return;
  }
  await recordFailure(env, settings, subscription.id, now);
  // A lost message here only delays the retry until the sweep finds it overdue.
  if (delay !== null && env.WEBHOOKS) await enqueueDeliveries(env.WEBHOOKS, [delivery.id], delay);
};

/**
 * The WEBHOOKS queue's consumer: each message names a delivery to attempt. The delivery row decides what
 * happens (a duplicate or early message finds it taken or not due and does nothing); a message whose work
 * failed on our side (D1) is retried by the queue, the row staying pending.
 */
export const deliverWebhooks = async (batch: MessageBatch<WebhookJob>, env: Bindings) => {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await deliverOne(env, message.body.deliveryId);
        message.ack();
      } catch (error) {
        log.error("delivering a webhook failed", { delivery_id: message.body.deliveryId, error: errorMessage(error) });
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
};

import { z } from "@hono/zod-openapi";
import type {
  WebhookDelivery as DeliveryRow,
  WebhookSubscription as SubscriptionRow,
} from "../generated/prisma/client";
import { ActorSchema } from "../schemas/actor";
import { Counter, Id, Timestamp } from "../schemas/common";
import { EVENT_TYPES, type EventType } from "./events";

/** Subscriptions per creator (an admin or an API key): a bound on fan-out per event. */
export const MAX_WEBHOOKS_PER_CREATOR = 20;
/** How much of a receiver's answer a delivery keeps. */
export const RESPONSE_BODY_BYTES = 1024;
/** The event type of a test delivery (POST /webhooks/{id}/test). */
export const TEST_EVENT_TYPE = "webhook.test";

export const WebhookEventType = z
  .enum(["*", ...EVENT_TYPES] as ["*", ...EventType[]])
  .openapi("WebhookEventType", { description: "An event type of the thread log, or `*` for every type." });

export const WebhookUrl = z.url().max(2048).openapi({
  description:
    "Where deliveries are POSTed: a public `https` URL (see the rules in the Webhooks guide). No redirect is followed.",
  example: "https://agent.example.com/webhooks/experience-layer",
});

export const WebhookEvents = z
  .array(WebhookEventType)
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .openapi({ description: 'The event types delivered; `["*"]` for all of them.', example: ["message.created"] });

export const WebhookSchema = z
  .object({
    id: Id,
    url: WebhookUrl,
    events: WebhookEvents,
    description: z.string().max(500).nullable(),
    thread_id: Id.nullable().openapi({
      description: "Only this thread's events; null: every thread its creator sees.",
    }),
    enabled: z.boolean().openapi({ description: "Disabled subscriptions get no new deliveries." }),
    disabled_reason: z
      .string()
      .max(500)
      .nullable()
      .openapi({ description: "Why the service disabled it (every delivery failed for too long); null otherwise." }),
    created_by: ActorSchema,
    previous_secret_expires_at: Timestamp.nullable().openapi({
      description: "After a rotation, until when the previous secret still signs next to the new one.",
    }),
    failing_since: Timestamp.nullable().openapi({
      description:
        "When deliveries started failing (the first failed attempt since the last success); null while they succeed.",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Webhook", {
    description:
      "A webhook subscription: events of the thread log, signed per Standard Webhooks and POSTed to `url`, each delivered at least once.",
  });

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z
    .string()
    .max(100)
    .regex(/^whsec_[A-Za-z0-9+/=]+$/)
    .openapi({
      description:
        "The signing secret, shown only in this answer (create and rotate): keep it to verify `webhook-signature`.",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
}).openapi("WebhookWithSecret", { description: "A subscription with its signing secret, shown once." });

export type Webhook = z.infer<typeof WebhookSchema>;

export const webhookExample: Webhook = {
  id: "cmif7vj3k0000webhook00001",
  url: "https://agent.example.com/webhooks/experience-layer",
  events: ["message.created"],
  description: "Support agent",
  thread_id: null,
  enabled: true,
  disabled_reason: null,
  created_by: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
  previous_secret_expires_at: null,
  failing_since: null,
  created_at: "2026-12-04T10:00:00.000Z",
  updated_at: "2026-12-04T10:00:00.000Z",
};

export const webhookToWire = (row: SubscriptionRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events as Webhook["events"],
  description: row.description,
  thread_id: row.threadId,
  enabled: row.enabled,
  disabled_reason: row.disabledReason,
  created_by: row.createdByKeyId
    ? { type: "api_key", id: row.createdByKeyId }
    : { type: "user", id: row.createdByUserId ?? "" },
  previous_secret_expires_at: row.previousSecretExpiresAt?.toISOString() ?? null,
  failing_since: row.failingSince?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const WebhookDeliverySchema = z
  .object({
    id: Id.openapi({ description: "Also the `webhook-id` header of every attempt: receivers dedupe on it." }),
    webhook_id: Id,
    event_type: z.string().max(64).openapi({ example: "message.created" }),
    thread_id: Id.nullable().openapi({ description: "The event's thread (null for a test delivery)." }),
    seq: Counter.nullable().openapi({ description: "The event's `seq` in its thread (null for a test delivery)." }),
    status: z.enum(["PENDING", "SUCCEEDED", "FAILED"]).openapi({
      description:
        "`PENDING`: waiting for an attempt or a retry; `SUCCEEDED`: a 2xx came back; `FAILED`: out of attempts.",
    }),
    attempts: Counter,
    next_attempt_at: Timestamp.nullable().openapi({ description: "When the next attempt is due (PENDING only)." }),
    last_attempt_at: Timestamp.nullable(),
    last_response_status: z.int().min(100).max(599).nullable().openapi({ example: 200, format: "int32" }),
    last_response_body: z
      .string()
      .max(RESPONSE_BODY_BYTES * 4)
      .nullable()
      .openapi({ description: `At most ${RESPONSE_BODY_BYTES} bytes of the receiver's last answer.` }),
    duration_ms: Counter.nullable().openapi({ description: "How long the last attempt took." }),
    error: z
      .string()
      .max(2000)
      .nullable()
      .openapi({ description: "Why the last attempt failed (a timeout, a refused connection, a status), or null." }),
    created_at: Timestamp,
  })
  .openapi("WebhookDelivery", { description: "One event on its way to one subscription, with its last attempt." });

export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const webhookDeliveryExample: WebhookDelivery = {
  id: "w4f1c2a9e0b7d3c5a8e6f1b2c",
  webhook_id: webhookExample.id,
  event_type: "message.created",
  thread_id: "cmif7vj3k0000thread000001",
  seq: 7,
  status: "SUCCEEDED",
  attempts: 1,
  next_attempt_at: null,
  last_attempt_at: "2026-12-04T10:00:01.000Z",
  last_response_status: 204,
  last_response_body: "",
  duration_ms: 84,
  error: null,
  created_at: "2026-12-04T10:00:00.000Z",
};

export const webhookDeliveryToWire = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  webhook_id: row.subscriptionId,
  event_type: row.eventType,
  thread_id: row.threadId,
  seq: row.seq,
  status: row.status,
  attempts: row.attempts,
  next_attempt_at: row.status === "PENDING" ? (row.nextAttemptAt?.toISOString() ?? null) : null,
  last_attempt_at: row.lastAttemptAt?.toISOString() ?? null,
  last_response_status: row.lastResponseStatus,
  last_response_body: row.lastResponseBody,
  duration_ms: row.lastDurationMs,
  error: row.lastError,
  created_at: row.createdAt.toISOString(),
});

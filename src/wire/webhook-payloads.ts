import { z } from "@hono/zod-openapi";
import { Id, Timestamp } from "../schemas/common";
import { EVENT_SCHEMAS, type ThreadEvent } from "./events";
import { TEST_EVENT_TYPE } from "./webhooks";

/**
 * What a webhook delivery POSTs, per Standard Webhooks: `{type, timestamp, data}`, where `data` is the thread
 * event exactly as the event feed (GET /threads/{id}/events) returns it — so `data.thread_id` and `data.seq`
 * order a receiver's deliveries. One schema per event type, for the spec's `webhooks` section.
 */
const payloadOf = (event: (typeof EVENT_SCHEMAS)[number]) => {
  const type = event.shape.type;
  const name = event.shape.type.value;
  return z
    .object({
      type,
      timestamp: Timestamp.openapi({ description: "When the event happened (its `created_at`)." }),
      data: event,
    })
    .openapi(`${name.replace(/(^|[._])(\w)/g, (_, __, c: string) => c.toUpperCase())}Webhook`, {
      description: `The body of a \`${name}\` delivery; \`data\` is the event as the event feed returns it.`,
    });
};

export const WEBHOOK_PAYLOADS = EVENT_SCHEMAS.map(payloadOf);

export const TestWebhookPayloadSchema = z
  .object({
    type: z.literal(TEST_EVENT_TYPE),
    timestamp: Timestamp,
    data: z.object({
      webhook_id: Id.openapi({ description: "The subscription tested." }),
      message: z.string().max(200),
    }),
  })
  .openapi("WebhookTestWebhook", { description: "The body of a test delivery (POST /webhooks/{id}/test)." });

/** The body of a delivery of `event`. */
export const eventPayload = (event: ThreadEvent) => ({ type: event.type, timestamp: event.created_at, data: event });

/** The body of a test delivery. */
export const testPayload = (webhookId: string, at: Date) => ({
  type: TEST_EVENT_TYPE,
  timestamp: at.toISOString(),
  data: { webhook_id: webhookId, message: "A test delivery: your endpoint is reachable and verifies our signature." },
});

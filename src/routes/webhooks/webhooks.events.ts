import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { describeEvent, type EventType } from "../../wire/events";
import { TestWebhookPayloadSchema, WEBHOOK_PAYLOADS } from "../../wire/webhook-payloads";
import { TEST_EVENT_TYPE } from "../../wire/webhooks";

/** The Standard Webhooks headers every delivery carries. */
const SignatureHeaders = z.object({
  "webhook-id": z
    .string()
    .max(64)
    .regex(/^[a-z0-9]+$/)
    .openapi({
      description: "The delivery's id: the same on every attempt of it, so deduplicate on it.",
      example: "w4f1c2a9e0b7d3c5a8e6f1b2c",
    }),
  "webhook-timestamp": z.string().max(12).regex(/^\d+$/).openapi({
    description: "When this attempt was sent, in Unix seconds; refuse one too far from your clock (replays).",
    example: "1764842401",
  }),
  "webhook-signature": z
    .string()
    .max(256)
    .regex(/^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$/)
    .openapi({
      description:
        "`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with your secret's bytes (after `whsec_`); during a rotation, two such signatures separated by a space. Verify with the `standardwebhooks` package or the SDK's `verifyWebhook`.",
      example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    }),
});

const received = {
  200: { description: "Received: any 2xx within 10 s counts as delivered; anything else is retried with backoff." },
};

/**
 * The contract's top-level `webhooks` (OpenAPI 3.1): one entry per event type, with the body a subscription
 * receives, so the reference shows them and the SDK exports their types.
 */
export const registerWebhookEvents = (app: OpenAPIHono<AppEnv>) => {
  for (const payload of [...WEBHOOK_PAYLOADS, TestWebhookPayloadSchema]) {
    const type = payload.shape.type.value;
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      operationId: `${type.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase())}Webhook`,
      tags: ["Webhooks"],
      // We call you: the signature headers, not a credential, prove who sent it.
      security: [],
      summary: `${type} delivery`,
      description:
        type === TEST_EVENT_TYPE
          ? "Sent by POST /webhooks/{id}/test: check that your endpoint is reachable and verifies the signature."
          : `Sent for each \`${type}\` event the subscription sees: ${describeEvent(type as EventType)} The body's \`data\` is the event as GET /threads/{id}/events returns it.`,
      request: {
        headers: SignatureHeaders,
        body: { required: true, content: { "application/json": { schema: payload } } },
      },
      responses: received,
    });
  }
};

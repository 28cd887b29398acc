import { z } from "@hono/zod-openapi";
import { envelope, Id, PageQuery, pageEnvelope } from "../../schemas/common";
import {
  WebhookDeliverySchema,
  WebhookEvents,
  WebhookSchema,
  WebhookUrl,
  WebhookWithSecretSchema,
  webhookDeliveryExample,
  webhookExample,
} from "../../wire/webhooks";

const Description = z.string().trim().max(500).openapi({ example: "Support agent" });

const distinct = (events: string[]) => new Set(events).size === events.length;

export const CreateWebhookBody = z
  .strictObject({
    url: WebhookUrl,
    events: WebhookEvents.refine(distinct, "Each event type may appear once"),
    description: Description.optional(),
    thread_id: Id.optional().openapi({ description: "Only this thread's events (a thread you reach)." }),
  })
  .openapi("CreateWebhookRequest", {
    example: { url: webhookExample.url, events: ["message.created"], description: "Support agent" },
  });

export const UpdateWebhookBody = z
  .strictObject({
    url: WebhookUrl.optional(),
    events: WebhookEvents.refine(distinct, "Each event type may appear once").optional(),
    description: Description.nullable().optional(),
    enabled: z.boolean().optional().openapi({
      description: "false pauses new deliveries; true resumes them (and clears `disabled_reason`).",
    }),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one member to change")
  .openapi("UpdateWebhookRequest", { example: { enabled: true } });

export const WebhookParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "The subscription's id." }),
});

export const DeliveryParams = WebhookParams.extend({
  delivery_id: Id.openapi({ param: { name: "delivery_id", in: "path" }, description: "The delivery's id." }),
});

export const DeliveryQuery = PageQuery.extend({
  status: z
    .enum(["PENDING", "SUCCEEDED", "FAILED"])
    .optional()
    .openapi({ param: { name: "status", in: "query" }, description: "Only deliveries in this state." }),
});

const secretExample = { ...webhookExample, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" };

export const WebhookResponse = envelope(WebhookSchema, "WebhookResponse", webhookExample);
export const WebhookWithSecretResponse = envelope(WebhookWithSecretSchema, "WebhookWithSecretResponse", secretExample);
export const WebhookPage = pageEnvelope(WebhookSchema, "WebhookPage", webhookExample);
export const WebhookDeliveryResponse = envelope(
  WebhookDeliverySchema,
  "WebhookDeliveryResponse",
  webhookDeliveryExample,
);
export const WebhookDeliveryPage = pageEnvelope(WebhookDeliverySchema, "WebhookDeliveryPage", webhookDeliveryExample);

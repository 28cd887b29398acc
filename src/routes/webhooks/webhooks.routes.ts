import { createRoute } from "@hono/zod-openapi";
import { guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit, writeRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  bodyErrors,
  commonErrors,
  conflict,
  featureNotConfigured,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
  webhookUrlRefused,
} from "../../openapi/error-responses";
import { locationHeader } from "../../openapi/headers";
import { jsonResponse } from "../../openapi/json-response";
import { PageQuery } from "../../schemas/common";
import { MAX_WEBHOOKS_PER_CREATOR } from "../../wire/webhooks";
import {
  CreateWebhookBody,
  DeliveryParams,
  DeliveryQuery,
  UpdateWebhookBody,
  WebhookDeliveryPage,
  WebhookDeliveryResponse,
  WebhookPage,
  WebhookParams,
  WebhookResponse,
  WebhookWithSecretResponse,
} from "./webhooks.schemas";

const tags = ["Webhooks"];
// Admins, and API keys with the scope: workspace-wide keys manage every subscription, member-only keys their own.
const read = { roles: ["ADMIN"], scope: "webhooks:read" } as const;
const write = { roles: ["ADMIN"], scope: "webhooks:write" } as const;
const own = { memberKeys: "own" } as const;
const rateLimitHeaders = { "RateLimit-Policy": rateLimitPolicyHeader };
const jsonBody = <T>(schema: T) => ({ required: true, content: { "application/json": { schema } } });
const NEEDS =
  "Needs the WEBHOOKS queue and the WEBHOOK_SECRET_KEYS secret: without them, 503 `feature-not-configured` naming what is missing.";

export const createWebhook = createRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/webhooks",
  // No Idempotency-Key: a stored replay would keep the plaintext secret at rest. A member-only key may scope
  // a subscription to a thread it is in only (`thread_id`), else 404.
  ...guarded({ ...write, memberKeys: "thread" }, rateLimit(writeRateLimit)),
  tags,
  summary: "Subscribe to events",
  description: `Every event of the thread log whose type is in \`events\` (\`["*"]\`: all), in the threads the caller sees (or only \`thread_id\`'s), is POSTed to \`url\`, signed per Standard Webhooks (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`) with the secret in this answer — shown only here. A subscription sees what its creator sees, for as long as they see it: an API key's subscriptions stop when it is revoked. Deliveries are written with their events (none is lost) and sent at least once, retried with backoff for about a day. URLs must be public \`https\` endpoints (\`webhook-url-refused\` names the rule a URL breaks); in development, loopback \`http\` URLs are allowed. At most ${MAX_WEBHOOKS_PER_CREATOR} subscriptions per creator (409). ${NEEDS}`,
  request: { body: jsonBody(CreateWebhookBody) },
  responses: {
    [Status.CREATED]: {
      ...jsonResponse(WebhookWithSecretResponse, "Subscribed; `secret` is shown only here."),
      headers: { Location: locationHeader("subscription"), ...rateLimitHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...conflict,
    ...webhookUrlRefused,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const listWebhooks = createRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/webhooks",
  ...guarded(read, rateLimit(readRateLimit)),
  tags,
  summary: "List webhook subscriptions",
  description:
    "Newest first, in pages of `limit` (pass `next_cursor` back as `cursor`): every subscription for admins and workspace-wide keys, its own for a member-only key. Secrets are never shown again.",
  request: { query: PageQuery },
  responses: {
    [Status.OK]: jsonResponse(WebhookPage, "A page of subscriptions."),
    ...commonErrors,
    ...authErrors,
    ...rateLimited,
  },
});

export const getWebhook = createRoute({
  operationId: "getWebhook",
  method: "get",
  path: "/webhooks/{id}",
  ...guarded({ ...read, ...own }, rateLimit(readRateLimit)),
  tags,
  summary: "Get a webhook subscription",
  description:
    "The subscription, with `enabled`, `disabled_reason` (set when the service disabled it because every delivery kept failing) and `failing_since`.",
  request: { params: WebhookParams },
  responses: {
    [Status.OK]: jsonResponse(WebhookResponse, "The subscription."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const updateWebhook = createRoute({
  operationId: "updateWebhook",
  method: "patch",
  path: "/webhooks/{id}",
  ...guarded({ ...write, ...own }, rateLimit(writeRateLimit)),
  tags,
  summary: "Change a webhook subscription",
  description:
    "Changes `url`, `events`, `description` or `enabled`. `enabled: false` pauses new deliveries (pending ones fail with the reason); `enabled: true` resumes them and clears `disabled_reason`. A new `url` follows the same rules as at creation.",
  request: { params: WebhookParams, body: jsonBody(UpdateWebhookBody) },
  responses: {
    [Status.OK]: { ...jsonResponse(WebhookResponse, "The subscription as it is now."), headers: rateLimitHeaders },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...notFound,
    ...webhookUrlRefused,
    ...rateLimited,
  },
});

export const deleteWebhook = createRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/webhooks/{id}",
  ...guarded({ ...write, ...own }, rateLimit(writeRateLimit)),
  tags,
  summary: "Delete a webhook subscription",
  description: "Deletes the subscription and its deliveries: nothing more is sent to it.",
  request: { params: WebhookParams },
  responses: {
    [Status.NO_CONTENT]: { description: "Deleted.", headers: rateLimitHeaders },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const rotateWebhookSecret = createRoute({
  operationId: "rotateWebhookSecret",
  method: "post",
  path: "/webhooks/{id}/secret/rotate",
  ...guarded({ ...write, ...own }, rateLimit(writeRateLimit)),
  tags,
  summary: "Rotate a subscription's signing secret",
  description: `A new secret, shown only in this answer. For 24 hours the previous one signs too (\`webhook-signature\` then carries two signatures, space-separated; Standard Webhooks verifiers accept either), so receivers can switch without losing a delivery; \`previous_secret_expires_at\` says until when. Rotating again within the 24 hours drops the oldest. ${NEEDS}`,
  request: { params: WebhookParams },
  responses: {
    [Status.OK]: {
      ...jsonResponse(WebhookWithSecretResponse, "The new secret, shown only here."),
      headers: rateLimitHeaders,
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const testWebhook = createRoute({
  operationId: "testWebhook",
  method: "post",
  path: "/webhooks/{id}/test",
  ...guarded({ ...write, ...own }, rateLimit(writeRateLimit)),
  tags,
  summary: "Send a test event",
  description: `Queues a \`webhook.test\` delivery to the subscription, signed like every other, and answers it (202); follow it in the deliveries list. A disabled subscription answers 409: enable it first. ${NEEDS}`,
  request: { params: WebhookParams },
  responses: {
    [Status.ACCEPTED]: {
      ...jsonResponse(WebhookDeliveryResponse, "The test delivery, queued."),
      headers: { Location: locationHeader("subscription's deliveries"), ...rateLimitHeaders },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...conflict,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

export const listWebhookDeliveries = createRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/webhooks/{id}/deliveries",
  ...guarded({ ...read, ...own }, rateLimit(readRateLimit)),
  tags,
  summary: "List a subscription's deliveries",
  description:
    "Newest first, in pages of `limit` (`status` narrows them): each delivery's state, attempts, next attempt and its last attempt's response status, body (at most 1 KiB), duration and error. Kept 30 days.",
  request: { params: WebhookParams, query: DeliveryQuery },
  responses: {
    [Status.OK]: jsonResponse(WebhookDeliveryPage, "A page of deliveries."),
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...rateLimited,
  },
});

export const retryWebhookDelivery = createRoute({
  operationId: "retryWebhookDelivery",
  method: "post",
  path: "/webhooks/{id}/deliveries/{delivery_id}/retry",
  ...guarded({ ...write, ...own }, rateLimit(writeRateLimit)),
  tags,
  summary: "Send a delivery again",
  description: `Makes the delivery due now and queues it (202): a failed one gets one more attempt, a succeeded one is sent again (same \`webhook-id\`, so a receiver that dedupes ignores it). A disabled subscription answers 409: enable it first. ${NEEDS}`,
  request: { params: DeliveryParams },
  responses: {
    [Status.ACCEPTED]: { ...jsonResponse(WebhookDeliveryResponse, "The delivery, queued."), headers: rateLimitHeaders },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...conflict,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

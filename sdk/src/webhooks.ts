import { Webhook } from "standardwebhooks";
import type { webhooks } from "./schema.js";

/** The body of any delivery (one per event type, and `webhook.test`); narrow on `type` to get its `data`. */
export type WebhookPayload = {
  [K in keyof webhooks]: NonNullable<webhooks[K]["post"]>["requestBody"]["content"]["application/json"];
}[keyof webhooks];

/** A request's headers: a fetch `Headers`, or Node's `req.headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

const pick = (headers: WebhookHeaders, name: string) => {
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  return Array.isArray(value) ? value.join(" ") : (value ?? "");
};

/**
 * Checks a delivery's Standard Webhooks signature with the subscription's secret (`whsec_…`) and answers its
 * body, typed. Throws `WebhookVerificationError` (from the `standardwebhooks` package, which does the checking)
 * when the signature does not verify or the timestamp is more than five minutes off: answer such a request 400.
 * Pass the body exactly as received (the raw text), not re-serialized JSON.
 */
export const verifyWebhook = (secret: string, headers: WebhookHeaders, body: string): WebhookPayload => {
  const signed = Object.fromEntries(HEADERS.map((name) => [name, pick(headers, name)]));
  return new Webhook(secret).verify(body, signed) as WebhookPayload;
};

export { WebhookVerificationError } from "standardwebhooks";

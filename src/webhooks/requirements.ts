import { keyringFrom, type RingKey } from "../auth/keyring";
import type { Bindings, WebhookJob } from "../env";
import { missingFor } from "../features";
import { ApiError } from "../http/api-error";
import { webhookSettings } from "./settings";
import { refusalOf } from "./url-policy";

/**
 * What the webhook operations need from the deployment: the WEBHOOKS queue and a keyring to seal secrets
 * with. Without them the operations that send or make secrets answer 503 `feature-not-configured`, naming
 * what is missing.
 */
export const webhookSetup = (env: Bindings): { queue: Queue<WebhookJob>; keys: RingKey[] } => {
  const missing = missingFor(env, "webhooks");
  const keys = keyringFrom(env.WEBHOOK_SECRET_KEYS);
  if (missing.length === 0 && env.WEBHOOKS && keys) return { queue: env.WEBHOOKS, keys };
  const what =
    missing.length > 0 ? missing.join(" and ") : "a valid WEBHOOK_SECRET_KEYS (a JSON array of { kid, secret })";
  throw new ApiError("feature-not-configured", `Webhooks need ${what}.`);
};

/** Refuses a URL webhooks may not go to, naming the rule (422 `webhook-url-refused`). */
export const assertWebhookUrl = (env: Bindings, url: string) => {
  const refusal = refusalOf(url, webhookSettings(env).urlPolicy);
  if (refusal) throw new ApiError("webhook-url-refused", refusal);
};

import type { Bindings } from "../env";
import type { UrlPolicy } from "./url-policy";

/** The queue of delivery pokes and the cron of the sweep, as wrangler.jsonc names them. */
export const WEBHOOKS_QUEUE = "experience-layer-webhooks";
export const WEBHOOK_SWEEP_CRON = "* * * * *";

/** Seconds between attempts: 8 attempts over about 22.6 hours, the first retry after 30 s. */
export const DEFAULT_RETRY_SCHEDULE = [30, 300, 1_800, 3_600, 10_800, 21_600, 43_200];
/** A queue message waits at most 12 hours (Cloudflare Queues' limit on delaySeconds). */
const MAX_DELAY_SECONDS = 43_200;

const seconds = (value: string | undefined, fallback: number) => {
  const parsed = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
};

const schedule = (value: string | undefined) => {
  const delays = (value ?? "").split(",").map((part) => Number(part.trim()));
  const valid = value && delays.every((delay) => Number.isInteger(delay) && delay >= 0);
  return (valid ? delays : DEFAULT_RETRY_SCHEDULE).map((delay) => Math.min(delay, MAX_DELAY_SECONDS));
};

/** Webhook settings from wrangler.jsonc vars; the defaults are what docs/webhooks.md documents. */
export const webhookSettings = (env: Bindings) => ({
  /** Seconds to wait before each retry (WEBHOOK_RETRY_SCHEDULE, comma-separated); attempts = its length + 1. */
  retrySchedule: schedule(env.WEBHOOK_RETRY_SCHEDULE),
  /** A receiver has this long to answer 2xx. */
  timeoutMs: seconds(env.WEBHOOK_TIMEOUT_SECONDS, 10) * 1000,
  /** A subscription whose every attempt failed for this long is disabled. */
  disableAfterMs: seconds(env.WEBHOOK_DISABLE_AFTER_SECONDS, 3 * 24 * 3600) * 1000,
  /** A pending delivery this far past due was lost by the queue: the sweep sends it again. */
  sweepAfterMs: seconds(env.WEBHOOK_SWEEP_AFTER_SECONDS, 60) * 1000,
  /** How long a rotated-out secret keeps signing next to the new one. */
  previousSecretMs: 24 * 3600 * 1000,
  urlPolicy: {
    allowHttp: env.ENVIRONMENT === "development",
    allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true",
  } satisfies UrlPolicy,
});

export type WebhookSettings = ReturnType<typeof webhookSettings>;

/** The delay before the retry after `attempts` attempts, with ±20 % jitter so failed receivers are not hit in step. */
export const retryDelaySeconds = (settings: WebhookSettings, attempts: number, random = Math.random()) => {
  const base = settings.retrySchedule[attempts - 1];
  if (base === undefined) return null;
  return Math.min(MAX_DELAY_SECONDS, Math.round(base * (0.8 + 0.4 * random)));
};

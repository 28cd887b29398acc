import { IDEMPOTENT_OPERATIONS } from "./idempotent-operations.js";

export interface RetryOptions {
  /** Retries after the first try (default 2); 0 turns retrying off (keys are still added). */
  maxRetries?: number;
  /**
   * The longest wait before a retry (default 20 s). A `Retry-After` longer than this is not waited
   * for: that answer (a 429 or 503) is returned as it is.
   */
  maxDelayMs?: number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (retry: { attempt: number; delayMs: number; reason: string; method: string; url: string }) => void;
}

/** Methods whose repetition changes nothing more than the first call (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Answers worth another try: the request may not have been processed, or will be soon. */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** `Retry-After` in ms (seconds or an HTTP date); undefined when absent or unreadable. */
const retryAfterMs = (response: Response): number | undefined => {
  const value = response.headers.get("Retry-After");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

/** Exponential backoff from 500 ms, with full jitter on half of it, so clients cut at once do not return at once. */
const backoffMs = (attempt: number, maxDelayMs: number) => {
  const base = Math.min(maxDelayMs, 500 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
};

/** A 409 that only says the first try of this key is still running: worth waiting for. */
const isKeyInUse = async (response: Response) => {
  if (response.status !== 409) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { error?: { type?: string } } | null;
  return body?.error?.type?.endsWith("/idempotency-key-in-use") ?? false;
};

/**
 * A fetch that makes writes safe to retry and retries what is safe, as Stripe's SDKs do:
 *
 * - every write to an operation that takes an `Idempotency-Key` gets one (a UUID) unless the caller
 *   set one, so a retry after a timeout, a dropped connection or a 5xx is answered from the first
 *   try and never writes twice;
 * - a request is retried only when repeating it is safe — an idempotent method, or a key — and its
 *   body can be sent again (none, or JSON; streamed uploads are not retried);
 * - it retries network errors, 408, 429, 500, 502, 503, 504 and a 409 `idempotency-key-in-use`,
 *   after `Retry-After` when the answer has one, else after an exponential backoff with jitter, at
 *   most `maxRetries` times.
 */
export const retryingFetch = (
  send: (request: Request) => Promise<Response>,
  baseUrl: string,
  options: RetryOptions = {},
): ((request: Request) => Promise<Response>) => {
  const maxRetries = options.maxRetries ?? 2;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const basePath = new URL(baseUrl).pathname.replace(/\/$/, "");

  const takesKey = (request: Request) => {
    const path = new URL(request.url).pathname.slice(basePath.length);
    return IDEMPOTENT_OPERATIONS.some(([method, pattern]) => method === request.method && pattern.test(path));
  };
  const replayable = (request: Request) => {
    if (request.body === null) return true;
    return (request.headers.get("Content-Type") ?? "").includes("json");
  };

  return async (request) => {
    if (!IDEMPOTENT_METHODS.has(request.method) && !request.headers.has("Idempotency-Key") && takesKey(request)) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    const safe = IDEMPOTENT_METHODS.has(request.method) || request.headers.has("Idempotency-Key");
    if (maxRetries === 0 || !safe || !replayable(request)) return send(request);

    for (let attempt = 1; ; attempt += 1) {
      const last = attempt > maxRetries;
      let reason: string;
      let delayMs: number;
      try {
        const response = await send(last ? request : request.clone());
        if (last || !(RETRY_STATUSES.has(response.status) || (await isKeyInUse(response)))) return response;
        const asked = retryAfterMs(response);
        // Asked to wait longer than we would: the caller decides, with the answer in hand.
        if (asked !== undefined && asked > maxDelayMs) return response;
        await response.body?.cancel();
        reason = `${response.status}`;
        delayMs = asked ?? backoffMs(attempt, maxDelayMs);
      } catch (error) {
        // Aborted by the caller, or out of tries: nothing more to do.
        if (last || request.signal.aborted) throw error;
        reason = error instanceof Error ? error.message : String(error);
        delayMs = backoffMs(attempt, maxDelayMs);
      }
      options.onRetry?.({ attempt, delayMs, reason, method: request.method, url: request.url });
      await sleep(delayMs, request.signal);
    }
  };
};

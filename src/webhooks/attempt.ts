import { errorMessage } from "../logging";
import { RESPONSE_BODY_BYTES } from "../wire/webhooks";
import type { SignedHeaders } from "./signature";

/** What one POST to a receiver came to (before the delivery's own bookkeeping). */
export interface AttemptResult {
  ok: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

/** At most `limit` bytes of the answer, as text; the rest is never read. */
const headOf = async (response: Response, limit: number) => {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
};

/**
 * POSTs one signed delivery: success is a 2xx within `timeoutMs`. Redirects are not followed (a 3xx is a
 * failure that names where it pointed), and at most 1 KiB of the answer is read.
 */
export const attemptDelivery = async (
  url: string,
  headers: SignedHeaders,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> => {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "ExperienceLayer-Webhooks/1.0" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseBody = await headOf(response, RESPONSE_BODY_BYTES);
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400;
    return {
      ok,
      responseStatus: response.status,
      responseBody,
      durationMs: elapsed(),
      error: ok
        ? null
        : redirect
          ? `The receiver redirected (${response.status} to ${response.headers.get("location") ?? "nowhere"}); redirects are not followed.`
          : `The receiver answered ${response.status}.`,
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      responseStatus: null,
      responseBody: null,
      durationMs: elapsed(),
      error: timedOut ? `No answer within ${timeoutMs / 1000} s.` : `The request failed: ${errorMessage(error)}`,
    };
  }
};

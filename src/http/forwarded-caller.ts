import { CALLER_HEADER, type CallerSummary } from "../principal";

/**
 * Who is calling, as the API forwards a request to a companion worker (src/mcp, src/chat; see
 * src/middleware/companion-worker.ts): the API has already checked the credentials and the rate limit; the
 * worker is reached only through its service binding. The credentials themselves travel on, so each
 * operation the worker makes is authorised again by that operation.
 */
export interface Caller {
  principal: CallerSummary;
  /** The request id of the forwarded request: on every log line and on each operation it makes. */
  requestId: string;
  /** Where the API answers (the origin of the forwarded request), so links in answers point at it. */
  origin: string;
  /** The headers every operation call carries: the credentials, the request id, the client's address. */
  headers: Headers;
}

const FORWARDED = ["authorization", "x-api-key", "cf-connecting-ip", "user-agent"];

export const callerOf = (request: Request): Caller | null => {
  const summary = request.headers.get(CALLER_HEADER);
  if (!summary) return null;
  const principal = JSON.parse(summary) as CallerSummary;
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  const headers = new Headers({ "X-Request-Id": requestId, Accept: "application/json" });
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return { principal, requestId, origin: new URL(request.url).origin, headers };
};

import { CALLER_HEADER, type CallerSummary } from "../principal";

/**
 * Who is calling, as the API's `POST /mcp` forwards it (src/routes/mcp): the API has already checked the
 * credentials and the rate limit; the MCP worker is reached only through its service binding. The
 * credentials themselves travel on, so each tool call is authorised again by the operation it makes.
 */
export interface Caller {
  principal: CallerSummary;
  /** The request id of the `POST /mcp`: on every log line and on each operation it makes. */
  requestId: string;
  /** Where the API answers (the origin of the MCP request), so links in answers point at it. */
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

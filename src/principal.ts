import type { Role } from "./generated/prisma/client";

/** Who is calling: a signed-in user (access token) or a partner API key. */
export type Principal =
  | { kind: "user"; id: string; role: Role; sessionId: string }
  | { kind: "api_key"; id: string; scopes: string[] };

/** Who did something: recorded on messages, reactions and events, and shown on the wire. */
export interface Actor {
  type: Principal["kind"];
  id: string;
}

export const actorOf = (principal: Principal): Actor => ({ type: principal.kind, id: principal.id });

/**
 * What the API's `POST /mcp` tells the MCP worker (src/mcp) about its caller, in the `X-MCP-Caller` header:
 * enough to list the tools the caller may use. Every tool call is still authorised by its own operation.
 */
export type CallerSummary = { kind: "user"; role: Role } | { kind: "api_key"; scopes: string[] };

export const CALLER_HEADER = "X-MCP-Caller";

export const callerSummaryOf = (principal: Principal): CallerSummary =>
  principal.kind === "user" ? { kind: "user", role: principal.role } : { kind: "api_key", scopes: principal.scopes };

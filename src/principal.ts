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
 * What the API tells a companion worker (MCP: src/mcp, chat front-ends: src/chat) about the caller it forwards,
 * in the `X-Forwarded-Caller` header: enough to list the MCP tools the caller may use. Every operation the
 * worker then makes as the caller is still authorised by that operation.
 */
export type CallerSummary = { kind: "user"; role: Role } | { kind: "api_key"; scopes: string[] };

export const CALLER_HEADER = "X-Forwarded-Caller";

export const callerSummaryOf = (principal: Principal): CallerSummary =>
  principal.kind === "user" ? { kind: "user", role: principal.role } : { kind: "api_key", scopes: principal.scopes };

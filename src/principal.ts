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

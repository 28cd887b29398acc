import type { Role } from "../generated/prisma/client";

/** Who is calling: a signed-in user (access token) or a partner API key. */
export type Principal =
  | { kind: "user"; id: string; role: Role; sessionId: string }
  | { kind: "api_key"; id: string; scopes: string[] };

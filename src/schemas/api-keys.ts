import type { Prisma } from "../generated/prisma/client";

/**
 * What a partner API key may be granted: read or write per resource family. Messages have a write
 * scope of their own, apart from threads: an agent that answers in threads it is given needs to post
 * (and react), not to create, rename, archive or delete threads or rewrite their memory. Part of the
 * contract (the ApiKeyScope enum), so it sits below the wire objects that list a key's scopes.
 */
export const SCOPES = [
  "users:read",
  "users:write",
  "threads:read",
  "threads:write",
  "messages:write",
  "files:read",
  "files:write",
  "artifacts:write",
] as const;
export type Scope = (typeof SCOPES)[number];

/** A whole API key, `elk_<prefix>_<secret>`; the group is the prefix, the secret 43 base64url characters. */
export const API_KEY_PATTERN = /^elk_([a-z2-7]{12})_[A-Za-z0-9_-]{43}$/;

/** The known scopes in a stored `scopes` column: a scope dropped from SCOPES stops granting anything. */
export const scopesOf = (stored: Prisma.JsonValue): Scope[] =>
  Array.isArray(stored) ? SCOPES.filter((scope) => stored.includes(scope)) : [];

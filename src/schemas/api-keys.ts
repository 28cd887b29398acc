import type { Prisma } from "../generated/prisma/client";

/**
 * What a partner API key may be granted: read or write per resource family. Messages have a write
 * scope of their own, apart from threads: an agent that answers in threads it is given needs to post
 * (and react), not to create, rename, archive or delete threads or rewrite their memory. `threads:all`
 * is not a resource family but a reach: without it a key is member-only (it reaches the threads it
 * was added to), with it workspace-wide (every thread). Part of the contract (the ApiKeyScope enum),
 * so it sits below the wire objects that list a key's scopes.
 */
export const SCOPES = [
  "users:read",
  "users:write",
  "threads:read",
  "threads:write",
  "threads:all",
  "messages:write",
  "files:read",
  "files:write",
  "artifacts:write",
  "webhooks:read",
  "webhooks:write",
] as const;
export type Scope = (typeof SCOPES)[number];

/** The scope that makes a key workspace-wide: it reaches every thread, not only those it was added to. */
export const WORKSPACE_WIDE: Scope = "threads:all";

/** A whole API key, `elk_<prefix>_<secret>`; the group is the prefix, the secret 43 base64url characters. */
export const API_KEY_PATTERN = /^elk_([a-z2-7]{12})_[A-Za-z0-9_-]{43}$/;

/** The known scopes in a stored `scopes` column: a scope dropped from SCOPES stops granting anything. */
export const scopesOf = (stored: Prisma.JsonValue): Scope[] =>
  Array.isArray(stored) ? SCOPES.filter((scope) => stored.includes(scope)) : [];

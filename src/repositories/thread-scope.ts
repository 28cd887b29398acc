import type { Prisma } from "../generated/prisma/client";

/**
 * The threads a reader reaches, as the repositories take it (src/auth/reach.ts decides it from the caller):
 * every thread (null), one owner's, or the threads an API key was added to.
 */
export type ThreadScope = null | { ownerId: string } | { memberKeyId: string };

/** The scope as a Prisma filter on threads. */
export const threadsIn = (scope: ThreadScope): Prisma.ThreadWhereInput =>
  scope === null
    ? {}
    : "ownerId" in scope
      ? { ownerId: scope.ownerId }
      : { agents: { some: { apiKeyId: scope.memberKeyId } } };

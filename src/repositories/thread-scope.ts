import type { Prisma } from "../generated/prisma/client";
import { type Sql, sql } from "./d1";

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

/** The scope as an SQL condition on threads `t`. */
export const threadsInSql = (scope: ThreadScope): Sql =>
  scope === null
    ? sql("1")
    : "ownerId" in scope
      ? sql("t.owner_id = ?", scope.ownerId)
      : sql("EXISTS (SELECT 1 FROM thread_agents a WHERE a.thread_id = t.id AND a.api_key_id = ?)", scope.memberKeyId);

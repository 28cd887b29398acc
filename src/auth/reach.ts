import type { ApiError } from "../http/api-error";
import type { Principal } from "../principal";
import type { ThreadScope } from "../repositories/thread-scope";
import type { WebhookScope } from "../repositories/webhooks.repository";
import { WORKSPACE_WIDE } from "../schemas/api-keys";

/**
 * Who reaches what: the one place that decides it. Users reach their own threads, admins every thread.
 * API keys are member-only (they reach the threads they were added to, like a Slack app in its channels)
 * unless they hold `threads:all`, which makes them workspace-wide. Whatever is in a thread (messages,
 * artifacts, interactions, activity, its files, its stream) is reached through its thread. Anything out
 * of reach answers the resource's 404, so ids of other people's objects reveal nothing.
 */

/** Admins and workspace-wide keys reach every thread. */
export const isWorkspaceWide = (principal: Principal) =>
  principal.kind === "user" ? principal.role === "ADMIN" : principal.scopes.includes(WORKSPACE_WIDE);

/** The threads the caller reaches, as the repositories filter them (in the same statement as the read). */
export const threadScopeOf = (principal: Principal): ThreadScope => {
  if (isWorkspaceWide(principal)) return null;
  return principal.kind === "user" ? { ownerId: principal.id } : { memberKeyId: principal.id };
};

/**
 * A user record: admins and API keys (with `users:read`/`users:write`, checked by the route) reach every
 * user, other users themselves only.
 */
export const assertCanReachUser = (principal: Principal | undefined, userId: string, notFound: () => ApiError) => {
  if (!principal) throw notFound();
  if (principal.kind === "user" && principal.role !== "ADMIN" && principal.id !== userId) throw notFound();
};

/**
 * The webhook subscriptions the caller manages: admins and workspace-wide keys every one, a member-only key
 * those it created (what a subscription delivers is its creator's reach: src/repositories/webhook-outbox.ts).
 */
export const webhookScopeOf = (principal: Principal): WebhookScope =>
  isWorkspaceWide(principal)
    ? null
    : principal.kind === "user"
      ? { createdByUserId: principal.id }
      : { createdByKeyId: principal.id };

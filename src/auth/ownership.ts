import type { ApiError } from "../http/api-error";
import type { Principal } from "../principal";

/**
 * The one place that decides whether a caller may reach something owned by `ownerId`: admins and
 * (scoped) API keys reach everything, other users only their own. Anything else answers the
 * resource's 404, so ids of other people's objects reveal nothing.
 */
export const assertCanReach = (principal: Principal | undefined, ownerId: string, notFound: () => ApiError) => {
  if (!principal) throw notFound();
  if (principal.kind === "user" && principal.role !== "ADMIN" && principal.id !== ownerId) throw notFound();
};

import { ApiError } from "./api-error";

/** Attempts of an update without If-Match before giving up with 409 (a thread that busy is rare). */
const MAX_ATTEMPTS = 5;

/**
 * Optimistic concurrency for read-modify-write updates: `attempt` reads the current version, builds
 * the change and writes it only if that version is still current, answering undefined when it was
 * not. With If-Match (`pinned`) the client asked for exactly the version it read, so losing the race
 * is a 412; without it, the update is tried again on the newer version.
 */
export const retryOnConflict = async <T>(attempt: () => Promise<T | undefined>, pinned: boolean): Promise<T> => {
  for (let tries = 1; tries <= MAX_ATTEMPTS; tries++) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (pinned) throw new ApiError("precondition-failed", "It changed since you read it; fetch it again.");
  }
  throw new ApiError("conflict", "It kept changing while we tried to update it; try again.");
};

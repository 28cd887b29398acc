import type { Role } from "../generated/prisma/client";

/**
 * Live sessions this isolate has checked lately, so that an authenticated request does not spend a D1 round trip
 * on its session every time. An entry lives `SESSION_CACHE_SECONDS` (default 10; 0 turns the cache off) and never
 * past the session's own expiry. Signing out, revoking a session, changing a user or deleting one forgets the
 * entries here at once; other isolates of the worker notice within `SESSION_CACHE_SECONDS` — the documented bound
 * on how long a revoked session or a changed role can still be used.
 */
interface Entry {
  userId: string;
  role: Role;
  until: number;
}

/** Enough for every session active in one isolate; the oldest entries go first past it. */
const MAX_ENTRIES = 10_000;
export const DEFAULT_SESSION_CACHE_SECONDS = 10;

const entries = new Map<string, Entry>();

/** The setting as seconds: unset or not a number of seconds ≥ 0 is the default (a typo never means "forever"). */
export const sessionCacheSeconds = (value: string | undefined) => {
  const seconds = Number(value);
  return value === undefined || value.trim() === "" || !Number.isFinite(seconds) || seconds < 0
    ? DEFAULT_SESSION_CACHE_SECONDS
    : seconds;
};

export const sessionCache = {
  /** The role of the user of live session `sid`, if it was checked within the bound. */
  get: (sid: string, userId: string, now: number): Role | undefined => {
    const entry = entries.get(sid);
    if (!entry) return undefined;
    if (entry.until <= now || entry.userId !== userId) {
      entries.delete(sid);
      return undefined;
    }
    return entry.role;
  },

  remember: (
    sid: string,
    entry: { userId: string; role: Role; sessionExpiresAt: number },
    now: number,
    seconds: number,
  ) => {
    if (seconds <= 0) return;
    if (entries.size >= MAX_ENTRIES) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(sid, {
      userId: entry.userId,
      role: entry.role,
      until: Math.min(now + seconds * 1000, entry.sessionExpiresAt),
    });
  },

  forgetSession: (sid: string) => {
    entries.delete(sid);
  },

  /** After a user's role changed or the user was deleted: each of their sessions is checked again. */
  forgetUser: (userId: string) => {
    for (const [sid, entry] of entries) if (entry.userId === userId) entries.delete(sid);
  },
};

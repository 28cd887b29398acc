import { describe, expect, it } from "vitest";
import { DEFAULT_SESSION_CACHE_SECONDS, sessionCache, sessionCacheSeconds } from "../../src/auth/session-cache";

describe("SESSION_CACHE_SECONDS", () => {
  it("takes whole and fractional seconds, and 0 (off)", () => {
    expect([sessionCacheSeconds("10"), sessionCacheSeconds("0.5"), sessionCacheSeconds("0")]).toEqual([10, 0.5, 0]);
  });

  it("falls back to the default when unset or not a number of seconds, never to 'forever'", () => {
    for (const value of [undefined, "", " ", "ten", "-1", "Infinity"]) {
      expect(sessionCacheSeconds(value), String(value)).toBe(DEFAULT_SESSION_CACHE_SECONDS);
    }
  });
});

describe("a cached session", () => {
  it("lasts the bound, never past the session's own expiry, and only for its user", () => {
    const sid = `s-${crypto.randomUUID()}`;
    sessionCache.remember(sid, { userId: "u1", role: "USER", sessionExpiresAt: 5_000 }, 0, 10);
    expect(sessionCache.get(sid, "u2", 1_000)).toBeUndefined();
    sessionCache.remember(sid, { userId: "u1", role: "USER", sessionExpiresAt: 5_000 }, 0, 10);
    expect(sessionCache.get(sid, "u1", 4_999)).toBe("USER");
    expect(sessionCache.get(sid, "u1", 5_000)).toBeUndefined();
  });
});

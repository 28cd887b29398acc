import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { generateSigningKeys } from "../../scripts/signing-keys.mjs";
import { issueAccessToken, verifyAccessToken } from "../../src/auth/tokens";

const claims = { sub: "cuser0000000000000000000", role: "USER" as const, sid: "csession00000000000000000" };
const withKeys = (...keySets: string[]) => ({
  ...env,
  JWT_SIGNING_KEYS: JSON.stringify(keySets.flatMap((set) => JSON.parse(set) as unknown[])),
});

describe("signing-key rotation through JWT_SIGNING_KEYS", () => {
  it("signs with the first key and keeps accepting tokens of a rotated-out key listed after it", async () => {
    const [oldKey, newKey] = await Promise.all([generateSigningKeys("2026-10"), generateSigningKeys("2026-11")]);
    const before = withKeys(oldKey);
    const during = withKeys(newKey, oldKey);
    const oldToken = (await issueAccessToken(before, claims)).token;
    const newToken = (await issueAccessToken(during, claims)).token;

    expect(JSON.parse(atob(newToken.split(".")[0] ?? "")).kid).toBe("2026-11");
    await expect(verifyAccessToken(during, oldToken)).resolves.toMatchObject({ sub: claims.sub });
    await expect(verifyAccessToken(during, newToken)).resolves.toMatchObject({ sid: claims.sid });
  });

  it("rejects tokens of a key once it is removed", async () => {
    const [oldKey, newKey] = await Promise.all([generateSigningKeys("gone"), generateSigningKeys("current")]);
    const oldToken = (await issueAccessToken(withKeys(oldKey), claims)).token;
    await expect(verifyAccessToken(withKeys(newKey), oldToken)).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a configuration that is not a list of private P-256 keys", async () => {
    for (const bad of ["not json", "[]", JSON.stringify([{ kty: "oct", k: "c2VjcmV0", kid: "hs" }])]) {
      await expect(issueAccessToken({ ...env, JWT_SIGNING_KEYS: bad }, claims)).rejects.toThrow(/JWT_SIGNING_KEYS/);
    }
  });
});

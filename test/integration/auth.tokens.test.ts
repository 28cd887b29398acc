import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { anonymousHttp, signIn } from "../support/api";
import { forgeToken, tamper, unsignedCopy } from "../support/tokens";

interface Problem {
  error: { type: string; status: number; detail: string };
}

/** GET /me with this bearer token: the status and the problem, if any. */
const callMe = async (token: string) => {
  const response = await anonymousHttp("/me", { headers: { Authorization: `Bearer ${token}` } });
  return { response, body: await response.json<Problem & { data?: { id: string } }>() };
};

const expectRejected = async (token: string, detail: RegExp) => {
  const { response, body } = await callMe(token);
  expect(response.status).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toContain("invalid_token");
  expect(body.error.type).toMatch(/\/unauthorized$/);
  expect(body.error.detail).toMatch(detail);
};

/** A real session's access token and its claims. */
const session = async () => {
  const tokens = await signIn("USER");
  return { tokens, claims: decodeJwt(tokens.access_token) };
};

describe("access tokens", () => {
  it("a genuine token reaches GET /me", async () => {
    const { tokens, claims } = await session();
    const { response, body } = await callMe(tokens.access_token);
    expect(response.status).toBe(200);
    expect(body.data?.id).toBe(claims.sub);
  });

  it("carry ES256, a kid, typ at+jwt and sub/role/sid/iat/exp/iss/aud", async () => {
    const { tokens, claims } = await session();
    const header = JSON.parse(atob(tokens.access_token.split(".")[0] ?? ""));
    expect(header).toMatchObject({ alg: "ES256", typ: "at+jwt", kid: expect.any(String) });
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iss", "nbf", "role", "sid", "sub"]);
  });

  it("rejects alg none", async () => {
    const { tokens } = await session();
    await expectRejected(unsignedCopy(tokens.access_token), /algorithm|malformed/);
  });

  it("rejects a token signed by another key", async () => {
    const { claims } = await session();
    await expectRejected(await forgeToken({ claims, foreignKey: true }), /signature/);
  });

  it("rejects an expired token", async () => {
    const { claims } = await session();
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRejected(await forgeToken({ claims: { ...claims, iat: past, nbf: past, exp: past + 60 } }), /expired/);
  });

  it("at the clock's edges: valid until its exp second, not from it; valid from its nbf second", async () => {
    const { claims } = await session();
    const now = Math.floor(Date.now() / 1000);
    const at = (extra: Record<string, number>) =>
      forgeToken({ claims: { ...claims, iat: now - 60, nbf: now - 60, ...extra } });
    expect((await callMe(await at({ exp: now + 2 }))).response.status).toBe(200);
    await expectRejected(await at({ exp: now }), /expired/);
    await expectRejected(await at({ exp: now - 1 }), /expired/);
    expect((await callMe(await at({ nbf: now, exp: now + 60 }))).response.status).toBe(200);
    await expectRejected(await at({ nbf: now + 2, exp: now + 60 }), /nbf/);
  });

  it("rejects a token that is not valid yet", async () => {
    const { claims } = await session();
    await expectRejected(await forgeToken({ claims: { ...claims, nbf: Math.floor(Date.now() / 1000) + 3600 } }), /nbf/);
  });

  it("rejects a wrong issuer", async () => {
    const { claims } = await session();
    await expectRejected(await forgeToken({ claims: { ...claims, iss: "https://evil.example" } }), /iss/);
  });

  it("rejects a wrong audience", async () => {
    const { claims } = await session();
    await expectRejected(await forgeToken({ claims: { ...claims, aud: "another-api" } }), /aud/);
  });

  it("rejects a tampered payload (role raised to ADMIN)", async () => {
    const { tokens } = await session();
    await expectRejected(tamper(tokens.access_token, { role: "ADMIN" }), /signature/);
  });

  it("rejects a JWT of another type signed with our key", async () => {
    const { claims } = await session();
    await expectRejected(await forgeToken({ claims, header: { typ: "JWT" } }), /typ|malformed/);
  });

  it("rejects a token whose session was revoked (sign-out)", async () => {
    const { tokens } = await session();
    const logout = await anonymousHttp("/auth/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(logout.status).toBe(204);
    await expectRejected(tokens.access_token, /session/);
  });

  it("rejects a validly signed token for a session that does not exist", async () => {
    const { claims } = await session();
    await expectRejected(await forgeToken({ claims: { ...claims, sid: "cnosession00000000000000" } }), /session/);
  });

  it("rejects a malformed Authorization header", async () => {
    const response = await anonymousHttp("/me", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    expect(response.status).toBe(401);
  });

  it("answers 401 without credentials", async () => {
    const response = await anonymousHttp("/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
  });
});

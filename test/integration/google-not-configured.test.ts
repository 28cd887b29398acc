import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { BASE_URL, randomIp } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { problemOf } from "../support/conversations";

// Google sign-in switched off, as `npm run dev` runs by default (GOOGLE_CLIENT_ID empty): every one of its
// operations says so, as a documented 503 naming the setting — never a 500.
const unconfigured = { ...env, GOOGLE_CLIENT_ID: "" };

const call = async (path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", randomIp());
  const request = new Request(new URL(path, BASE_URL), { ...init, headers });
  const response = await createApp().fetch(request, unconfigured, {} as ExecutionContext);
  await assertMatchesContract(request.method, request.url, response.clone());
  return response;
};

describe("Google sign-in when it is not configured", () => {
  for (const [name, path, init] of [
    ["starting it", "/auth/google/start", {}],
    ["Google's callback", "/auth/google/callback?code=abc&state=xyz", {}],
    [
      "an ID token",
      "/auth/google/id-token",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id_token: "a.b.c" }) },
    ],
    // This API's OAuth server signs users in with Google: off with it.
    ["the OAuth server's metadata", "/.well-known/oauth-authorization-server", {}],
    [
      "an OAuth client's registration",
      "/oauth/register",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:9/cb"] }),
      },
    ],
    ["an OAuth authorization request", "/oauth/authorize?client_id=a&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb", {}],
    [
      "an OAuth consent",
      "/oauth/authorize",
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE_URL },
        body: "client_id=a&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&decision=approve",
      },
    ],
  ] as const) {
    it(`answers ${name} with 503 feature-not-configured naming GOOGLE_CLIENT_ID`, async () => {
      const response = await call(path, init);
      expect(response.status).toBe(503);
      const problem = await problemOf(response);
      expect(problem.type).toMatch(/\/feature-not-configured$/);
      expect(problem.detail).toContain("GOOGLE_CLIENT_ID");
    });
  }
});

it("lists no authorization server in the MCP endpoint's protected-resource metadata", async () => {
  const response = await call("/.well-known/oauth-protected-resource/mcp");
  expect(await response.json()).not.toHaveProperty("authorization_servers");
});

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { BASE_URL, clientWith, randomIp, signIn } from "../support/api";
import { assertMatchesContract } from "../support/contract";

// Each isolate trusts a session it checked for SESSION_CACHE_SECONDS (src/auth/session-cache.ts). What this isolate
// revokes or changes takes effect at once; what another isolate does (here: a write straight to D1, as another
// isolate's request would make) takes effect within that bound.

const app = createApp();

/** A request as this access token, with SESSION_CACHE_SECONDS set to `seconds`; GET /me unless told. */
const call = async (token: string, seconds: string, init: { method?: string; path?: string; body?: unknown } = {}) => {
  const { method = "GET", path = "/me", body } = init;
  const request = new Request(new URL(path, BASE_URL), {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, { ...env, SESSION_CACHE_SECONDS: seconds }, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract(method, request.url, response.clone());
  return response;
};
const me = (token: string, seconds: string) => call(token, seconds);

const statementsOf = (response: Response) =>
  Number(/D1, (\d+) statements?/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

/** What another isolate's sign-out does to the row. */
const revokeElsewhere = (sessionId: string) =>
  env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ?").bind(new Date().toISOString(), sessionId).run();

describe("the session cache", () => {
  it("spares a checked session's D1 read on the next requests", async () => {
    const tokens = await signIn("USER");
    const first = await me(tokens.access_token, "10");
    const second = await me(tokens.access_token, "10");
    expect([first.status, second.status]).toEqual([200, 200]);
    // The session check, then the user's row; then only the row.
    expect([statementsOf(first), statementsOf(second)]).toEqual([2, 1]);
  });

  it("lets a session revoked by another isolate be used for at most SESSION_CACHE_SECONDS", async () => {
    const tokens = await signIn("USER");
    expect((await me(tokens.access_token, "1")).status).toBe(200);
    await revokeElsewhere(tokens.session_id);
    expect((await me(tokens.access_token, "1")).status, "still trusted within the bound").toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await me(tokens.access_token, "1")).status, "checked again past it").toBe(401);
  });

  it("checks every request when SESSION_CACHE_SECONDS is 0", async () => {
    const tokens = await signIn("USER");
    expect((await me(tokens.access_token, "0")).status).toBe(200);
    await revokeElsewhere(tokens.session_id);
    expect((await me(tokens.access_token, "0")).status).toBe(401);
  });

  it("forgets at once what this isolate revokes: sign-out, a revoked session", async () => {
    const tokens = await signIn("USER");
    expect((await me(tokens.access_token, "60")).status).toBe(200);
    expect((await clientWith(tokens.access_token).POST("/auth/logout")).response.status).toBe(204);
    expect((await me(tokens.access_token, "60")).status).toBe(401);

    const email = `cache.${crypto.randomUUID()}@example.com`;
    const [phone, laptop] = [await signIn("USER", email), await signIn("USER", email)];
    expect((await me(phone.access_token, "60")).status).toBe(200);
    const revoked = await clientWith(laptop.access_token).DELETE("/me/sessions/{id}", {
      params: { path: { id: phone.session_id } },
    });
    expect(revoked.response.status).toBe(204);
    expect((await me(phone.access_token, "60")).status).toBe(401);
  });

  it("forgets at once a role this isolate changes, and a user it deletes", async () => {
    const admin = clientWith((await signIn("ADMIN")).access_token);
    const tokens = await signIn("USER");
    const user = await unwrap(clientWith(tokens.access_token).GET("/me"));
    const newThread = { method: "POST", path: "/threads", body: { title: "mine" } };
    expect((await call(tokens.access_token, "60", newThread)).status).toBe(201);
    await unwrap(admin.PATCH("/users/{id}", { params: { path: { id: user.id } }, body: { role: "VIEWER" } }));
    // A viewer may not start threads: the cached USER role is gone.
    expect((await call(tokens.access_token, "60", newThread)).status).toBe(403);
    expect((await admin.DELETE("/users/{id}", { params: { path: { id: user.id } } })).response.status).toBe(204);
    expect((await me(tokens.access_token, "60")).status).toBe(401);
  });
});

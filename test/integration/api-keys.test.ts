import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { sha256Hex } from "../../src/auth/secrets";
import { getDb } from "../../src/repositories/db";
import { anonymousHttp, BASE_URL, client, clientWith, http, jsonBody, signIn } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { uniqueEmail } from "../support/factories";

type Scope = "users:read" | "users:write";

interface ProblemBody {
  error: { type: string; status: number; detail: string; errors?: { path: string }[] };
}

const db = getDb(env.DB);
const uniqueName = (label = "key") => `${label}-${crypto.randomUUID()}`;
const problemOf = async (response: Response) => (await response.json<ProblemBody>()).error;

const createKey = (scopes: Scope[], extra: { expires_at?: string } = {}) =>
  unwrap(client.POST("/api-keys", { body: { name: uniqueName(), scopes, ...extra } }));

/** Raw HTTP with the key in X-API-Key (the SDK sends credentials as Bearer). */
const withApiKeyHeader = (path: string, key: string, init: RequestInit = {}) =>
  anonymousHttp(path, { ...init, headers: { ...init.headers, "X-API-Key": key } });

/** Raw HTTP with the key as a bearer credential, for reading the problem of a refusal. */
const withBearer = (path: string, key: string) => anonymousHttp(path, { headers: { Authorization: `Bearer ${key}` } });

const getKey = (id: string) => unwrap(client.GET("/api-keys/{id}", { params: { path: { id } } }));

/** A key for a prefix that exists with a secret that does not: right shape, wrong key. */
const withOtherSecret = (key: string) => `${key.slice(0, "elk_".length + 12 + 1)}${"A".repeat(43)}`;

describe("API keys: creation and reading", () => {
  it("creates a key: 201, Location, the whole key once, and only its hash in the database", async () => {
    const admin = await unwrap(client.GET("/me"));
    const name = uniqueName("crm");
    const { data, response } = await client.POST("/api-keys", {
      body: {
        name,
        scopes: ["users:read", "users:write"],
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    expect(response.status).toBe(201);
    const created = data?.data;
    if (!created) throw new Error("no key in the response");
    expect(created).toMatchObject({
      name,
      scopes: ["users:read", "users:write"],
      last_used_at: null,
      revoked_at: null,
      created_by: admin.id,
    });
    expect(created.secret).toMatch(new RegExp(`^elk_${created.prefix}_[A-Za-z0-9_-]{43}$`));
    expect(response.headers.get("Location")).toBe(`/api-keys/${created.id}`);
    expect(response.headers.get("RateLimit-Policy")).toBe('"writes";q=60;w=60');

    const { secret, ...shown } = created;
    const fetched = await getKey(created.id);
    expect(fetched).toEqual(shown);
    expect(fetched).not.toHaveProperty("secret");
    const listed = await unwrap(client.GET("/api-keys", { params: { query: { limit: 100 } } }));
    expect(listed.find((key) => key.id === created.id)).toEqual(shown);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const row = await db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.keyHash).toBe(await sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(-43));
  });

  it("lists keys newest first, page by page, following next_cursor", async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createKey(["users:read"]));
    const ids = new Set(created.map((key) => key.id));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await client.GET("/api-keys", { params: { query: { limit: 2, cursor } } });
      seen.push(...(data?.data ?? []).map((key) => key.id));
      cursor = data?.pagination.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.has(id))).toEqual(created.map((key) => key.id).reverse());
  });

  it("answers 404 for an unknown id on get and revoke", async () => {
    const id = "cnoapikey000000000000000";
    expect((await client.GET("/api-keys/{id}", { params: { path: { id } } })).response.status).toBe(404);
    expect((await client.DELETE("/api-keys/{id}", { params: { path: { id } } })).response.status).toBe(404);
  });
});

describe("API keys: validation lists every failing field", () => {
  it("rejects an unknown scope, a past expiry, an empty name and unknown fields at once", async () => {
    const response = await http(
      "/api-keys",
      jsonBody({ name: "", scopes: ["users:admin"], expires_at: "2020-01-01T00:00:00.000Z", secret: "mine" }),
    );
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.type).toMatch(/\/validation-error$/);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      "body.expires_at",
      "body.name",
      "body.scopes.0",
      "body.secret",
    ]);
  });

  it("rejects empty and repeated scopes", async () => {
    for (const scopes of [[], ["users:read", "users:read"]]) {
      const response = await http("/api-keys", jsonBody({ name: uniqueName(), scopes }));
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.scopes"]);
    }
  });
});

describe("API keys: who may manage them", () => {
  it.each(["USER", "VIEWER"] as const)("refuses a %s (403)", async (role) => {
    const user = clientWith((await signIn(role)).access_token);
    const created = await user.POST("/api-keys", { body: { name: uniqueName(), scopes: ["users:read"] } });
    expect(created.response.status).toBe(403);
    expect((await user.GET("/api-keys")).response.status).toBe(403);
  });

  it("refuses an API key, even one with every scope, on /api-keys and /me (403)", async () => {
    const { secret, id } = await createKey(["users:read", "users:write"]);
    const partner = clientWith(secret);
    const attempts = [
      await partner.GET("/api-keys"),
      await partner.GET("/api-keys/{id}", { params: { path: { id } } }),
      await partner.POST("/api-keys", { body: { name: uniqueName(), scopes: ["users:read"] } }),
      await partner.DELETE("/api-keys/{id}", { params: { path: { id } } }),
      await partner.GET("/me"),
    ];
    expect(attempts.map(({ response }) => response.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await getKey(id)).revoked_at).toBeNull();
  });
});

describe("API keys: authenticating with them", () => {
  it("reads users with users:read, by Bearer and by X-API-Key, but may not create them (403)", async () => {
    const { secret } = await createKey(["users:read"]);
    expect((await clientWith(secret).GET("/users")).response.status).toBe(200);
    expect((await withApiKeyHeader("/users", secret)).status).toBe(200);

    const body = { email: uniqueEmail("partner"), name: "Partner" };
    const denied = await clientWith(secret).POST("/users", { body });
    expect(denied.response.status).toBe(403);
    expect((await withApiKeyHeader("/users", secret, jsonBody(body))).status).toBe(403);
  });

  it("creates users with users:write", async () => {
    const { secret } = await createKey(["users:write"]);
    const email = uniqueEmail("partner");
    const created = await clientWith(secret).POST("/users", { body: { email, name: "Partner Made" } });
    expect(created.response.status).toBe(201);
    expect(created.data?.data.email).toBe(email);
  });

  it("accepts the same key in both headers and refuses two different credentials (401)", async () => {
    const { secret } = await createKey(["users:read"]);
    const other = await createKey(["users:read"]);
    const both = (bearer: string) =>
      withApiKeyHeader("/users", secret, { headers: { Authorization: `Bearer ${bearer}` } });
    expect((await both(secret)).status).toBe(200);
    const mixed = await both(other.secret);
    expect(mixed.status).toBe(401);
    expect((await problemOf(mixed)).detail).toContain("different credentials");
  });

  it("stops working once revoked (401); revoking again is still 204 and keeps the first time", async () => {
    const { id, secret } = await createKey(["users:read"]);
    expect((await client.DELETE("/api-keys/{id}", { params: { path: { id } } })).response.status).toBe(204);
    const revokedAt = (await getKey(id)).revoked_at;
    expect(revokedAt).not.toBeNull();

    const refused = await withBearer("/users", secret);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain("invalid_token");
    expect((await problemOf(refused)).detail).toContain("revoked");

    expect((await client.DELETE("/api-keys/{id}", { params: { path: { id } } })).response.status).toBe(204);
    expect((await getKey(id)).revoked_at).toBe(revokedAt);
  });

  it("stops working once expired (401)", async () => {
    const { id, secret } = await createKey(["users:read"]);
    await db.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const refused = await withApiKeyHeader("/users", secret);
    expect(refused.status).toBe(401);
    expect((await problemOf(refused)).detail).toContain("expired");
  });

  it("refuses a wrong secret, an unknown prefix and a malformed key alike (401)", async () => {
    const { secret } = await createKey(["users:read"]);
    const unknownPrefix = `elk_${"a".repeat(12)}_${secret.slice(-43)}`;
    for (const key of [withOtherSecret(secret), unknownPrefix]) {
      const bearer = await withBearer("/users", key);
      expect(bearer.status).toBe(401);
      expect((await problemOf(bearer)).detail).toBe("The API key is not valid.");
      expect((await withApiKeyHeader("/users", key)).status).toBe(401);
    }
    expect((await clientWith("elk_short").GET("/users")).response.status).toBe(401);
    expect((await withApiKeyHeader("/users", "not-a-key")).status).toBe(401);
  });

  it("records last_used_at after a use", async () => {
    const { id, secret } = await createKey(["users:read"]);
    await unwrap(clientWith(secret).GET("/users"));
    // Written after the response (waitUntil), so it may land a moment later.
    await vi.waitFor(async () => expect((await getKey(id)).last_used_at).not.toBeNull());
  });

  it("writes last_used_at at most once a minute", async () => {
    const { id, secret } = await createKey(["users:read"]);
    const callWithKey = async () => {
      const request = new Request(new URL("/users", BASE_URL), { headers: { "X-API-Key": secret } });
      const ctx = createExecutionContext();
      const response = await createApp().fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      await assertMatchesContract("GET", request.url, response.clone());
      expect(response.status).toBe(200);
    };
    const lastUsedAt = async () => (await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt?.getTime();

    const recent = new Date(Date.now() - 30_000);
    await db.apiKey.update({ where: { id }, data: { lastUsedAt: recent } });
    await callWithKey();
    expect(await lastUsedAt()).toBe(recent.getTime());

    const stale = new Date(Date.now() - 90_000);
    await db.apiKey.update({ where: { id }, data: { lastUsedAt: stale } });
    await callWithKey();
    expect(await lastUsedAt()).toBeGreaterThan(stale.getTime() + 60_000);
  });
});

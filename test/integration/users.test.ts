import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { paginate, unwrap } from "../../sdk/src";
import { getDb } from "../../src/repositories/db";
import { client, http } from "../support/api";
import { createUser, uniqueEmail } from "../support/factories";

describe("users: happy paths", () => {
  it("creates a user, answering 201 with Location, ETag and the envelope", async () => {
    const email = uniqueEmail("Ada");
    const { data, response } = await client.POST("/users", { body: { email, name: "Ada Lovelace", role: "USER" } });
    expect(response.status).toBe(201);
    expect(data?.success).toBe(true);
    expect(data?.data).toMatchObject({
      email: email.toLowerCase(),
      name: "Ada Lovelace",
      role: "USER",
      avatar_url: null,
    });
    expect(response.headers.get("Location")).toBe(`/users/${data?.data.id}`);
    expect(response.headers.get("ETag")).toMatch(/^"[0-9a-z]+"$/);
    expect(data?.metadata.correlation_id).toBe(response.headers.get("X-Request-Id"));
  });

  it("defaults the role to USER", async () => {
    const { data } = await client.POST("/users", { body: { email: uniqueEmail(), name: "No Role" } });
    expect(data?.data.role).toBe("USER");
  });

  it("gets a user by id", async () => {
    const user = await createUser({ name: "Grace Hopper" });
    const fetched = await unwrap(client.GET("/users/{id}", { params: { path: { id: user.id } } }));
    expect(fetched).toEqual(user);
  });

  it("answers If-None-Match with 304 while the user is unchanged, 200 once it changed", async () => {
    const user = await createUser();
    const first = await client.GET("/users/{id}", { params: { path: { id: user.id } } });
    const etag = first.response.headers.get("ETag") ?? "";
    const cached = await http(`/users/${user.id}`, { headers: { "If-None-Match": etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("ETag")).toBe(etag);
    await unwrap(client.PATCH("/users/{id}", { params: { path: { id: user.id } }, body: { name: "Renamed" } }));
    const changed = await http(`/users/${user.id}`, { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
  });

  it("updates only the fields sent and returns a new ETag", async () => {
    const user = await createUser({ name: "Before" });
    const { data, response } = await client.PATCH("/users/{id}", {
      params: { path: { id: user.id } },
      body: { name: "After", role: "VIEWER" },
    });
    expect(response.status).toBe(200);
    expect(data?.data).toMatchObject({ id: user.id, email: user.email, name: "After", role: "VIEWER" });
    expect(Date.parse(data?.data.updated_at ?? "")).toBeGreaterThanOrEqual(Date.parse(user.updated_at));
  });

  it("applies an update whose If-Match is the current ETag", async () => {
    const user = await createUser();
    const { response } = await client.GET("/users/{id}", { params: { path: { id: user.id } } });
    const updated = await client.PATCH("/users/{id}", {
      params: { path: { id: user.id }, header: { "if-match": response.headers.get("ETag") ?? "" } },
      body: { name: "Guarded" },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data?.data.name).toBe("Guarded");
  });

  it("deletes a user: 204, then 404", async () => {
    const user = await createUser();
    const deleted = await client.DELETE("/users/{id}", { params: { path: { id: user.id } } });
    expect(deleted.response.status).toBe(204);
    const after = await client.GET("/users/{id}", { params: { path: { id: user.id } } });
    expect(after.response.status).toBe(404);
  });

  it("deleting a user removes what they own and keeps their messages in other threads, authorless", async () => {
    const owner = await createUser();
    const other = await createUser();
    const db = getDb(env.DB);
    const own = await db.thread.create({ data: { ownerId: owner.id, title: "Mine" } });
    await db.message.create({ data: { threadId: own.id, authorId: owner.id, text: "hello" } });
    const foreign = await db.thread.create({ data: { ownerId: other.id, title: "Theirs" } });
    const reply = await db.message.create({ data: { threadId: foreign.id, authorId: owner.id, text: "a reply" } });
    await db.session.create({
      data: { userId: owner.id, refreshTokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 60_000) },
    });

    await unwrap(client.DELETE("/users/{id}", { params: { path: { id: owner.id } } }));

    expect(await db.thread.count({ where: { ownerId: owner.id } })).toBe(0);
    expect(await db.message.count({ where: { threadId: own.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: owner.id } })).toBe(0);
    expect(await db.message.findUnique({ where: { id: reply.id } })).toMatchObject({ authorId: null, text: "a reply" });
  });
});

describe("users: listing", () => {
  it("walks every page newest first with no duplicates, following next_cursor", async () => {
    const role = "VIEWER" as const;
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createUser({ role, name: `Pager ${i}` }));
    const createdIds = new Set(created.map((u) => u.id));

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await client.GET("/users", { params: { query: { limit: 2, role, cursor } } });
      const page = data?.data ?? [];
      pageSizes.push(page.length);
      seen.push(...page.map((u) => u.id));
      cursor = data?.pagination.next_cursor ?? undefined;
      expect(data?.pagination.has_more).toBe(cursor !== undefined);
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(pageSizes.slice(0, -1).every((size) => size === 2)).toBe(true);
    const ours = seen.filter((id) => createdIds.has(id));
    expect(ours).toEqual(created.map((u) => u.id).reverse());
  });

  it("iterates all pages with the SDK's paginate helper", async () => {
    const email = uniqueEmail("only");
    const user = await createUser({ email });
    const found = [];
    for await (const u of paginate((cursor) =>
      client.GET("/users", { params: { query: { email, cursor, limit: 1 } } }),
    )) {
      found.push(u);
    }
    expect(found).toEqual([user]);
  });

  it("filters by role", async () => {
    await createUser({ role: "ADMIN" });
    const admins = await unwrap(client.GET("/users", { params: { query: { role: "ADMIN", limit: 100 } } }));
    expect(admins.length).toBeGreaterThan(0);
    expect(admins.every((u) => u.role === "ADMIN")).toBe(true);
  });

  it("filters by email, case-insensitively", async () => {
    const email = uniqueEmail("case");
    const user = await createUser({ email });
    const found = await unwrap(client.GET("/users", { params: { query: { email: email.toUpperCase() } } }));
    expect(found).toEqual([user]);
  });

  it("returns an empty last page with has_more false", async () => {
    const { data } = await client.GET("/users", { params: { query: { email: uniqueEmail("nobody") } } });
    expect(data?.data).toEqual([]);
    expect(data?.pagination).toEqual({ limit: 20, has_more: false, next_cursor: null });
  });
});

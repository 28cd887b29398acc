import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { client, clientWith, signIn } from "../support/api";

/** A signed-in user's SDK client and their user id. */
const userWith = async (role: "ADMIN" | "USER" | "VIEWER") => {
  const tokens = await signIn(role);
  const api = clientWith(tokens.access_token);
  return { api, me: await unwrap(api.GET("/me")) };
};

describe("roles and ownership on /users", () => {
  it("users and read-only users read themselves, and get 404 (not 403) for anyone else", async () => {
    for (const role of ["USER", "VIEWER"] as const) {
      const { api, me } = await userWith(role);
      const other = await userWith("USER");
      expect((await api.GET("/users/{id}", { params: { path: { id: me.id } } })).response.status).toBe(200);
      expect((await api.GET("/users/{id}", { params: { path: { id: other.me.id } } })).response.status).toBe(404);
    }
  });

  it("users edit their own profile but not someone else's (404)", async () => {
    const { api, me } = await userWith("USER");
    const other = await userWith("USER");
    const own = await api.PATCH("/users/{id}", { params: { path: { id: me.id } }, body: { name: "Self edit" } });
    expect(own.response.status).toBe(200);
    const foreign = await api.PATCH("/users/{id}", { params: { path: { id: other.me.id } }, body: { name: "Hijack" } });
    expect(foreign.response.status).toBe(404);
    expect((await unwrap(other.api.GET("/me"))).name).not.toBe("Hijack");
  });

  it("nobody changes their own role, not even an admin (403)", async () => {
    for (const role of ["USER", "ADMIN"] as const) {
      const { api, me } = await userWith(role);
      const attempt = await api.PATCH("/users/{id}", { params: { path: { id: me.id } }, body: { role: "ADMIN" } });
      expect(attempt.response.status).toBe(403);
      expect((await unwrap(api.GET("/me"))).role).toBe(role);
    }
  });

  it("admins change other people's roles, and the change applies to tokens already issued", async () => {
    const { api, me } = await userWith("USER");
    expect((await api.GET("/users")).response.status).toBe(403);
    await unwrap(client.PATCH("/users/{id}", { params: { path: { id: me.id } }, body: { role: "ADMIN" } }));
    expect((await api.GET("/users")).response.status).toBe(200);
    await unwrap(client.PATCH("/users/{id}", { params: { path: { id: me.id } }, body: { role: "VIEWER" } }));
    expect((await api.GET("/users")).response.status).toBe(403);
  });

  it("read-only users cannot change anything, even their own profile", async () => {
    const { api, me } = await userWith("VIEWER");
    expect((await api.PATCH("/me", { body: { name: "x" } })).response.status).toBe(403);
    expect(
      (await api.PATCH("/users/{id}", { params: { path: { id: me.id } }, body: { name: "x" } })).response.status,
    ).toBe(403);
  });
});

describe("mass assignment through /me", () => {
  it.each([
    ["role", { role: "ADMIN" }],
    ["email", { email: "new@example.com" }],
    ["id", { id: "cmine0000000000000000000" }],
    ["created_at", { created_at: "2000-01-01T00:00:00.000Z" }],
    ["updated_at", { updated_at: "2000-01-01T00:00:00.000Z" }],
  ])("PATCH /me cannot set %s (400, and nothing changes)", async (field, extra) => {
    const { api, me } = await userWith("USER");
    const attempt = await api.PATCH("/me", { body: { name: "Sneaky", ...extra } as { name: string } });
    expect(attempt.response.status).toBe(400);
    expect(JSON.stringify(attempt.error)).toContain(`body.${field}`);
    expect(await unwrap(api.GET("/me"))).toEqual(me);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { getDb } from "../../src/repositories/db";
import { anonymous, anonymousHttp, clientWith, jsonBody, randomIp, signIn } from "../support/api";
import { assertIsProblem, assertMatchesContract } from "../support/contract";

const refresh = (refreshToken: string) =>
  anonymous.POST("/auth/refresh", {
    body: { refresh_token: refreshToken },
    headers: { "CF-Connecting-IP": randomIp() },
  });

describe("refresh tokens", () => {
  it("rotate: a refresh gives a new access token and a new refresh token for the same session", async () => {
    const first = await signIn("USER");
    const second = await unwrap(refresh(first.refresh_token));
    expect(second.session_id).toBe(first.session_id);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await clientWith(second.access_token).GET("/me")).response.status).toBe(200);
  });

  it("are stored only as hashes", async () => {
    const tokens = await signIn("USER");
    const session = await getDb(env.DB).session.findUnique({ where: { id: tokens.session_id } });
    const secret = tokens.refresh_token.split(".")[1] ?? "";
    expect(session?.refreshTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(session?.refreshTokenHash).not.toContain(secret);
  });

  it("reuse of an already-rotated refresh token revokes the whole session", async () => {
    const first = await signIn("USER");
    const second = await unwrap(refresh(first.refresh_token));

    const reused = await refresh(first.refresh_token);
    expect(reused.response.status).toBe(401);
    expect(JSON.stringify(reused.error)).toMatch(/already used/);

    // The thief's reuse also locks out the current holder: both tokens are dead now.
    expect((await refresh(second.refresh_token)).response.status).toBe(401);
    expect((await clientWith(second.access_token).GET("/me")).response.status).toBe(401);
  });

  it("reject malformed and unknown refresh tokens", async () => {
    expect((await refresh("no-dot-here")).response.status).toBe(401);
    expect((await refresh("cnosession00000000000000.secret")).response.status).toBe(401);
  });

  it("stop working after sign-out", async () => {
    const tokens = await signIn("VIEWER");
    expect((await clientWith(tokens.access_token).POST("/auth/logout")).response.status).toBe(204);
    expect((await refresh(tokens.refresh_token)).response.status).toBe(401);
  });

  it("stop working after the session expired", async () => {
    const tokens = await signIn("USER");
    await getDb(env.DB).session.update({ where: { id: tokens.session_id }, data: { expiresAt: new Date(0) } });
    expect((await refresh(tokens.refresh_token)).response.status).toBe(401);
  });
});

describe("my sessions", () => {
  it("lists my sessions with the current one marked, and never anyone else's", async () => {
    const email = `sessions.${crypto.randomUUID()}@example.com`;
    const older = await signIn("USER", email);
    const current = await signIn("USER", email);
    await signIn("USER");
    const sessions = await unwrap(clientWith(current.access_token).GET("/me/sessions"));
    expect(sessions.map((s) => s.id)).toEqual([current.session_id, older.session_id]);
    expect(sessions.map((s) => s.current)).toEqual([true, false]);
  });

  it("revokes one of my sessions: that device is signed out, this one is not", async () => {
    const email = `revoke.${crypto.randomUUID()}@example.com`;
    const laptop = await signIn("USER", email);
    const phone = await signIn("USER", email);
    const me = clientWith(phone.access_token);
    const revoked = await me.DELETE("/me/sessions/{id}", { params: { path: { id: laptop.session_id } } });
    expect(revoked.response.status).toBe(204);
    expect((await clientWith(laptop.access_token).GET("/me")).response.status).toBe(401);
    expect((await me.GET("/me")).response.status).toBe(200);
    const listed = await unwrap(me.GET("/me/sessions"));
    expect(listed.find((s) => s.id === laptop.session_id)?.revoked_at).not.toBeNull();
  });

  it("answers 404 for someone else's session", async () => {
    const victim = await signIn("USER");
    const attacker = await signIn("USER");
    const response = await clientWith(attacker.access_token).DELETE("/me/sessions/{id}", {
      params: { path: { id: victim.session_id } },
    });
    expect(response.response.status).toBe(404);
    expect((await clientWith(victim.access_token).GET("/me")).response.status).toBe(200);
  });
});

describe("local development sign-in", () => {
  it("creates the user with the role asked for, and signs in the same user next time", async () => {
    const email = `dev.${crypto.randomUUID()}@example.com`;
    const first = await signIn("VIEWER", email);
    const again = await signIn("VIEWER", email);
    const me1 = await unwrap(clientWith(first.access_token).GET("/me"));
    const me2 = await unwrap(clientWith(again.access_token).GET("/me"));
    expect(me1).toMatchObject({ email, role: "VIEWER" });
    expect(me2.id).toBe(me1.id);
  });

  it("does not exist outside development (404, like an unknown route)", async () => {
    for (const environment of ["production", "staging"]) {
      const request = new Request(
        "https://api.test/auth/dev/sign-in",
        jsonBody({ email: "a@example.com", role: "ADMIN" }),
      );
      const response = await createApp().fetch(request, { ...env, ENVIRONMENT: environment }, {} as ExecutionContext);
      await assertMatchesContract("POST", request.url, response.clone());
      expect(response.status).toBe(404);
      await assertIsProblem(response);
    }
  });

  it("validates its body", async () => {
    const response = await anonymousHttp(
      "/auth/dev/sign-in",
      jsonBody({ email: "nope", role: "ROOT", extra: 1 }, { headers: { "CF-Connecting-IP": randomIp() } }),
    );
    expect(response.status).toBe(400);
  });
});

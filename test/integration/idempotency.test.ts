import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import worker from "../../src/index";
import { requestHashOf } from "../../src/middleware/idempotency";
import { getDb } from "../../src/repositories/db";
import { client, http, jsonBody, signIn } from "../support/api";
import { uniqueEmail } from "../support/factories";

const withKey = (key: string, body: unknown) => jsonBody(body, { headers: { "Idempotency-Key": key } });
const db = getDb(env.DB);
const inAMinute = () => new Date(Date.now() + 60_000);

/** Keys are scoped to the caller: `http` calls as this file's admin. */
const adminScope = async () => `user:${(await unwrap(client.GET("/me"))).id}`;

/** A stored key as an earlier request of the admin would have left it. */
const storeRecord = async (fields: { expiresAt: Date; key?: string; requestHash?: string }) =>
  db.idempotencyRecord.create({
    data: {
      scope: await adminScope(),
      method: "POST",
      path: "/users",
      key: crypto.randomUUID(),
      requestHash: "h",
      ...fields,
    },
  });

const countUsers = async (email: string) =>
  (await client.GET("/users", { params: { query: { email } } })).data?.data.length;

describe("Idempotency-Key on POST /users", () => {
  it("replays the first response for a retry with the same key and body, creating one user", async () => {
    const key = crypto.randomUUID();
    const body = { email: uniqueEmail("idem"), name: "Once" };
    const first = await http("/users", withKey(key, body));
    const retry = await http("/users", withKey(key, body));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(retry.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(retry.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(await retry.text()).toBe(await first.text());
    expect(await countUsers(body.email)).toBe(1);
  });

  it("answers the same key with a different body with 422", async () => {
    const key = crypto.randomUUID();
    await http("/users", withKey(key, { email: uniqueEmail(), name: "First" }));
    const other = await http("/users", withKey(key, { email: uniqueEmail(), name: "Second" }));
    expect(other.status).toBe(422);
    expect((await other.json<{ error: { type: string } }>()).error.type).toMatch(/\/idempotency-key-reused$/);
  });

  it("answers 409 while the first request with the key is still in flight", async () => {
    const key = crypto.randomUUID();
    const body = { email: uniqueEmail(), name: "Slow" };
    const requestHash = await requestHashOf("POST", "/users", JSON.stringify(body));
    await storeRecord({ key, requestHash, expiresAt: inAMinute() });
    const response = await http("/users", withKey(key, body));
    expect(response.status).toBe(409);
    expect((await response.json<{ error: { type: string } }>()).error.type).toMatch(/\/idempotency-key-in-use$/);
    expect(await countUsers(body.email)).toBe(0);
  });

  it("frees the key when the request failed, so a corrected retry succeeds", async () => {
    const key = crypto.randomUUID();
    const bad = await http("/users", withKey(key, { email: "not-an-email", name: "Oops" }));
    expect(bad.status).toBe(400);
    const fixed = await http("/users", withKey(key, { email: uniqueEmail(), name: "Oops" }));
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("treats an expired key as new", async () => {
    const key = crypto.randomUUID();
    await storeRecord({ key, requestHash: "old", expiresAt: new Date(0) });
    const response = await http("/users", withKey(key, { email: uniqueEmail(), name: "Fresh" }));
    expect(response.status).toBe(201);
  });

  it("rejects a key that is too long or has spaces, naming the header", async () => {
    for (const key of ["k".repeat(256), "has spaces"]) {
      const response = await http("/users", withKey(key, { email: uniqueEmail(), name: "Bad key" }));
      expect(response.status).toBe(400);
      const problem = (await response.json<{ error: { errors: { path: string }[] } }>()).error;
      expect(problem.errors.map((e) => e.path)).toEqual(["header.idempotency-key"]);
    }
  });

  it("keeps each caller's keys apart: the same key from another caller is a new request", async () => {
    const key = crypto.randomUUID();
    const other = (await signIn("ADMIN")).access_token;
    const first = await http("/users", withKey(key, { email: uniqueEmail(), name: "Mine" }));
    const theirs = await http(
      "/users",
      jsonBody(
        { email: uniqueEmail(), name: "Theirs" },
        { headers: { "Idempotency-Key": key, Authorization: `Bearer ${other}` } },
      ),
    );
    expect(first.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("keeps X-Request-Id and security headers on a replayed response", async () => {
    const key = crypto.randomUUID();
    const body = { email: uniqueEmail(), name: "Headers" };
    await http("/users", withKey(key, body));
    const retry = await http(
      "/users",
      jsonBody(body, { headers: { "Idempotency-Key": key, "X-Request-Id": "replay-1" } }),
    );
    expect(retry.headers.get("X-Request-Id")).toBe("replay-1");
    expect(retry.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});

describe("scheduled housekeeping", () => {
  it("deletes expired idempotency records and keeps live ones", async () => {
    const expired = await storeRecord({ expiresAt: new Date(0) });
    const live = await storeRecord({ expiresAt: inAMinute() });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await db.idempotencyRecord.findUnique({ where: { id: expired.id } })).toBeNull();
    expect(await db.idempotencyRecord.findUnique({ where: { id: live.id } })).not.toBeNull();
  });
});

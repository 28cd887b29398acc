import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/http/api-error";
import { handleError } from "../../src/http/error-handler";
import { createRouter } from "../../src/http/router";
import {
  authRateLimit,
  type RateLimitPolicy,
  rateLimit,
  readRateLimit,
  writeRateLimit,
} from "../../src/middleware/rate-limit";
import { requestContext } from "../../src/middleware/request-context";
import type { Principal } from "../../src/principal";
import { anonymousHttp, signIn } from "../support/api";
import { assertIsProblem } from "../support/contract";
import { httpAs } from "../support/conversations";

/**
 * The middleware against the real rate-limit bindings of wrangler.jsonc, which miniflare implements
 * (a Durable Object counting per key in fixed windows). Every test uses its own random IPs and
 * principal ids, so budgets never carry over between tests, files or runs.
 */

/** A stand-in for authentication: `X-Test-User` / `X-Test-Api-Key` become the principal. */
const testPrincipal = (user: string | undefined, apiKey: string | undefined): Principal | undefined => {
  if (user) return { kind: "user", id: user, role: "USER", sessionId: `session-${user}` };
  if (apiKey) return { kind: "api_key", id: apiKey, scopes: [] };
  return undefined;
};

const appWith = (policy: RateLimitPolicy) => {
  const app = createRouter();
  app.use(...requestContext());
  app.use(async (c, next) => {
    const principal = testPrincipal(c.req.header("X-Test-User"), c.req.header("X-Test-Api-Key"));
    if (principal) c.set("principal", principal);
    await next();
  });
  app.use(rateLimit(policy));
  app.post("/things", (c) => c.json({ ok: true }, 201));
  app.post("/missing", () => {
    throw new ApiError("not-found", "Nothing here.");
  });
  app.onError(handleError);
  return app;
};

const reads = appWith(readRateLimit);
const writes = appWith(writeRateLimit);
const auth = appWith(authRateLimit);

type App = ReturnType<typeof appWith>;

/** In the IPv6 documentation prefix, with 32 random bits so no two tests (or runs) share a budget. */
const uniqueIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
const uniqueId = () => crypto.randomUUID();

const send = (app: App, headers: Record<string, string>, path = "/things", bindings: Cloudflare.Env = env) =>
  app.fetch(new Request(`https://api.test${path}`, { method: "POST", headers }), bindings, createExecutionContext());

/** Sends `count` requests one after another and returns their statuses. */
const burst = async (app: App, headers: Record<string, string>, count: number) => {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await send(app, headers)).status);
  return statuses;
};

/**
 * Miniflare's limiter counts in fixed windows aligned to the wall clock (every key rolls over at the
 * same instant), so a burst straddling a boundary would get its budget refilled halfway and never see
 * the 429. Too close to a boundary, wait it out; the headroom dwarfs a burst (61 requests ≈ 0.3 s).
 */
const freshWindow = async (policy: RateLimitPolicy, headroomMs = Math.max(3_000, policy.limit * 10)) => {
  const windowMs = policy.windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < headroomMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
};

const TIMEOUT_MS = 20_000;

const expectRateLimited = async (response: Response, policy: RateLimitPolicy, requestId: string) => {
  expect(response.status).toBe(429);
  expect(response.headers.get("Retry-After")).toBe(String(policy.windowSeconds));
  expect(response.headers.get("RateLimit")).toBe(`"${policy.name}";r=0;t=${policy.windowSeconds}`);
  expect(response.headers.get("RateLimit-Policy")).toBe(`"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`);
  await assertIsProblem(response.clone());
  const { error } = await response.json<{ error: { type: string; status: number; trace_id: string } }>();
  expect(error.type).toMatch(/\/rate-limited$/);
  expect(error.status).toBe(429);
  expect(error.trace_id).toBe(requestId);
};

describe("the policies", () => {
  it("advertise what wrangler.jsonc configures", () => {
    expect(writeRateLimit).toMatchObject({ binding: "WRITE_RATE_LIMITER", limit: 60, windowSeconds: 60 });
    expect(authRateLimit).toMatchObject({ binding: "AUTH_RATE_LIMITER", limit: 10, windowSeconds: 60 });
    expect(readRateLimit).toMatchObject({ binding: "READ_RATE_LIMITER", limit: 600, windowSeconds: 60 });
  });
});

describe.each([
  { name: "auth (per IP)", app: auth, policy: authRateLimit as RateLimitPolicy },
  { name: "writes (per principal)", app: writes, policy: writeRateLimit as RateLimitPolicy },
  { name: "reads (per principal)", app: reads, policy: readRateLimit as RateLimitPolicy },
])("the $name limiter", ({ app, policy }) => {
  it(
    `lets the first requests of a window through with RateLimit-Policy, then answers 429`,
    async () => {
      await freshWindow(policy);
      const headers = { "CF-Connecting-IP": uniqueIp(), "X-Test-User": uniqueId() };
      for (let i = 0; i < policy.limit; i++) {
        const response = await send(app, headers);
        expect(response.status, `request ${i + 1}`).toBe(201);
        expect(response.headers.get("RateLimit-Policy")).toBe(
          `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
        );
        // The binding reports no remaining count, so RateLimit is only sent once it is zero.
        expect(response.headers.get("RateLimit")).toBeNull();
      }
      await expectRateLimited(
        await send(app, { ...headers, "X-Request-Id": "over-the-limit" }),
        policy,
        "over-the-limit",
      );
    },
    TIMEOUT_MS,
  );

  it(
    "answers the bare problem as application/problem+json when asked",
    async () => {
      await freshWindow(policy);
      const headers = { "CF-Connecting-IP": uniqueIp(), "X-Test-User": uniqueId() };
      await burst(app, headers, policy.limit);
      const response = await send(app, { ...headers, Accept: "application/problem+json" });
      expect(response.status).toBe(429);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      expect(response.headers.get("Retry-After")).toBe(String(policy.windowSeconds));
      await assertIsProblem(response.clone());
      expect(await response.json()).toMatchObject({ status: 429, instance: "/things" });
    },
    TIMEOUT_MS,
  );

  it(
    "sends RateLimit-Policy on error responses too, since those requests counted",
    async () => {
      const response = await send(app, { "CF-Connecting-IP": uniqueIp(), "X-Test-User": uniqueId() }, "/missing");
      expect(response.status).toBe(404);
      expect(response.headers.get("RateLimit-Policy")).toBe(
        `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
      );
    },
    TIMEOUT_MS,
  );
});

describe("separate keys have separate budgets", () => {
  it(
    "auth: one client IP running out leaves another untouched",
    async () => {
      await freshWindow(authRateLimit);
      const spent = { "CF-Connecting-IP": uniqueIp() };
      expect(await burst(auth, spent, authRateLimit.limit + 1)).toEqual([...Array(authRateLimit.limit).fill(201), 429]);
      expect((await send(auth, { "CF-Connecting-IP": uniqueIp() })).status).toBe(201);
      expect((await send(auth, spent)).status).toBe(429);
    },
    TIMEOUT_MS,
  );

  it(
    "auth: is per IP whoever is signed in",
    async () => {
      await freshWindow(authRateLimit);
      const ip = uniqueIp();
      await burst(auth, { "CF-Connecting-IP": ip, "X-Test-User": uniqueId() }, authRateLimit.limit);
      expect((await send(auth, { "CF-Connecting-IP": ip, "X-Test-User": uniqueId() })).status).toBe(429);
    },
    TIMEOUT_MS,
  );

  it(
    "writes: one principal running out leaves another principal, and anonymous callers, on the same IP untouched",
    async () => {
      await freshWindow(writeRateLimit);
      const ip = uniqueIp();
      const spent = { "CF-Connecting-IP": ip, "X-Test-User": uniqueId() };
      expect(await burst(writes, spent, writeRateLimit.limit + 1)).toEqual([
        ...Array(writeRateLimit.limit).fill(201),
        429,
      ]);
      expect((await send(writes, { "CF-Connecting-IP": ip, "X-Test-User": uniqueId() })).status).toBe(201);
      expect((await send(writes, { "CF-Connecting-IP": ip, "X-Test-Api-Key": uniqueId() })).status).toBe(201);
      expect((await send(writes, { "CF-Connecting-IP": ip })).status).toBe(201);
      expect((await send(writes, spent)).status).toBe(429);
    },
    TIMEOUT_MS,
  );

  it(
    "writes: one principal keeps its budget across client IPs",
    async () => {
      await freshWindow(writeRateLimit);
      const user = uniqueId();
      await burst(writes, { "CF-Connecting-IP": uniqueIp(), "X-Test-User": user }, writeRateLimit.limit);
      expect((await send(writes, { "CF-Connecting-IP": uniqueIp(), "X-Test-User": user })).status).toBe(429);
    },
    TIMEOUT_MS,
  );

  it(
    "writes: anonymous callers are limited per client IP",
    async () => {
      await freshWindow(writeRateLimit);
      const spent = { "CF-Connecting-IP": uniqueIp() };
      await burst(writes, spent, writeRateLimit.limit);
      expect((await send(writes, spent)).status).toBe(429);
      expect((await send(writes, { "CF-Connecting-IP": uniqueIp() })).status).toBe(201);
    },
    TIMEOUT_MS,
  );
});

describe("reads", () => {
  it(
    "one principal running out leaves writes, other principals and anonymous callers untouched; it recovers next window",
    async () => {
      await freshWindow(readRateLimit);
      const ip = uniqueIp();
      const spent = { "CF-Connecting-IP": ip, "X-Test-Api-Key": uniqueId() };
      const statuses = await burst(reads, spent, readRateLimit.limit + 1);
      expect(statuses.filter((status) => status === 201)).toHaveLength(readRateLimit.limit);
      expect(statuses.at(-1)).toBe(429);
      expect((await send(writes, spent)).status).toBe(201);
      expect((await send(reads, { "CF-Connecting-IP": ip, "X-Test-Api-Key": uniqueId() })).status).toBe(201);
      expect((await send(reads, { "CF-Connecting-IP": ip })).status).toBe(201);
      // The budget is per window: once it rolls over, the same key reads again.
      const windowMs = readRateLimit.windowSeconds * 1000;
      await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 100));
      expect((await send(reads, spent)).status).toBe(201);
    },
    readRateLimit.windowSeconds * 1000 + TIMEOUT_MS,
  );

  it(
    "anonymous reads are limited per client IP",
    async () => {
      await freshWindow(readRateLimit);
      const spent = { "CF-Connecting-IP": uniqueIp() };
      await burst(reads, spent, readRateLimit.limit);
      expect((await send(reads, spent)).status).toBe(429);
      expect((await send(reads, { "CF-Connecting-IP": uniqueIp() })).status).toBe(201);
    },
    TIMEOUT_MS,
  );
});

describe("the service's reads", () => {
  it.each(["/health", "/openapi.json", "/docs"])("anonymous %s counts against the reads budget", async (path) => {
    const response = await anonymousHttp(path, { headers: { "CF-Connecting-IP": uniqueIp() } });
    expect(response.status).toBe(200);
    expect(response.headers.get("RateLimit-Policy")).toBe('"reads";q=600;w=60');
  });

  it(
    "a user reading past the budget gets the documented 429 with Retry-After, and writes still go through",
    async () => {
      await freshWindow(readRateLimit);
      // Signed in without a read yet (a sign-in counts against the auth budget only).
      const token = (await signIn("USER")).access_token;
      // Each read from an address of its own: the budget is the user's, wherever they read from.
      const me = (ip: string) => httpAs(token)("/me", { headers: { "CF-Connecting-IP": ip } });
      for (let i = 0; i < readRateLimit.limit; i++) expect((await me(uniqueIp())).status, `read ${i + 1}`).toBe(200);
      const refused = await me(uniqueIp());
      await expectRateLimited(refused, readRateLimit, refused.headers.get("X-Request-Id") ?? "");
      const renamed = await httpAs(token)("/me", {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Still writes" }),
      });
      expect(renamed.status).toBe(200);
    },
    TIMEOUT_MS * 2,
  );
});

describe("when the limiter itself fails", () => {
  afterEach(() => vi.restoreAllMocks());

  it("lets the request through (fails open) and logs it", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    // Deliberately not the real binding: the real one cannot be made to fail.
    const failing: RateLimit = { limit: () => Promise.reject(new Error("limiter unavailable")) };
    const response = await send(auth, { "CF-Connecting-IP": uniqueIp() }, "/things", {
      ...env,
      AUTH_RATE_LIMITER: failing,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("RateLimit-Policy")).toBe('"auth";q=10;w=60');
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: "error", message: "rate limiter unavailable", policy: "auth" }),
    );
  });

  it("answers 500 when the binding is missing altogether (a deployment mistake, not an outage)", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { AUTH_RATE_LIMITER: _, ...withoutBinding } = env;
    const response = await send(auth, { "CF-Connecting-IP": uniqueIp() }, "/things", withoutBinding as Cloudflare.Env);
    expect(response.status).toBe(500);
    await assertIsProblem(response.clone());
  });
});

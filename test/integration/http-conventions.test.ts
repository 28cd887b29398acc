import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../src/repositories/db";
import { adminAccessToken, http, httpOutsideContract, jsonBody } from "../support/api";
import { uniqueEmail } from "../support/factories";

const allowedOrigin = env.CORS_ORIGINS.split(",")[0]?.trim() ?? "";

describe("request ids", () => {
  it("echoes the X-Request-Id the client sent and uses it as correlation_id", async () => {
    const response = await http("/health", { headers: { "X-Request-Id": "client-chosen-id-42" } });
    expect(response.headers.get("X-Request-Id")).toBe("client-chosen-id-42");
    expect((await response.json<{ metadata: { correlation_id: string } }>()).metadata.correlation_id).toBe(
      "client-chosen-id-42",
    );
  });

  it("generates one when the client sent none", async () => {
    const response = await http("/health");
    expect(response.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("replaces an id with characters that could forge log lines", async () => {
    const response = await http("/health", { headers: { "X-Request-Id": 'evil"} {"level":"info' } });
    expect(response.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts the request id into problems as trace_id", async () => {
    const response = await http("/users/cmissing000000000000000", { headers: { "X-Request-Id": "trace-404" } });
    expect((await response.json<{ error: { trace_id: string } }>()).error.trace_id).toBe("trace-404");
  });
});

describe("problems", () => {
  it("come bare as application/problem+json when the client asks for that", async () => {
    const response = await http("/users/cmissing000000000000000", { headers: { Accept: "application/problem+json" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = await response.json<Record<string, unknown>>();
    expect(problem).not.toHaveProperty("success");
    expect(problem).toMatchObject({ status: 404, title: "Not found", instance: "/users/cmissing000000000000000" });
  });

  it("answer an unknown route with 404", async () => {
    const response = await httpOutsideContract("/no/such/route");
    expect(response.status).toBe(404);
    expect((await response.json<{ error: { type: string } }>()).error.type).toMatch(/\/not-found$/);
  });

  it("have no benchmark routes: the bench's raw-D1 twins are a worker of their own (bench/)", async () => {
    expect((await httpOutsideContract("/_bench/users")).status).toBe(404);
    expect((await httpOutsideContract("/_bench/users", jsonBody({ email: uniqueEmail(), name: "x" }))).status).toBe(
      404,
    );
  });

  it("answer a known path with an unsupported method with 405 and Allow", async () => {
    const response = await httpOutsideContract("/users", { method: "PUT" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toContain("POST");
    expect(response.headers.get("Allow")).toContain("GET");
    expect((await response.json<{ error: { type: string } }>()).error.type).toMatch(/\/method-not-allowed$/);
  });
});

describe("CORS", () => {
  it("allows a configured origin and exposes the headers clients need", async () => {
    const response = await http("/health", { headers: { Origin: allowedOrigin } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(allowedOrigin);
    expect(response.headers.get("Access-Control-Expose-Headers")).toContain("X-Request-Id");
  });

  it("lets a browser send back and read the Consistency-Bookmark, and resume a stream with Last-Event-ID", async () => {
    const read = await http("/health", { headers: { Origin: allowedOrigin } });
    expect(read.headers.get("Access-Control-Expose-Headers")).toContain("Consistency-Bookmark");
    const preflight = await exports.default.fetch("https://api.test/threads/x/events", {
      method: "OPTIONS",
      headers: {
        Origin: allowedOrigin,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization, Consistency-Bookmark, Last-Event-ID",
      },
    });
    const allowed = preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase().split(/,\s*/) ?? [];
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "consistency-bookmark", "last-event-id"]));
  });

  it("does not allow another origin", async () => {
    const response = await http("/health", { headers: { Origin: "https://evil.example" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("answers a preflight for a write with the allowed methods and headers", async () => {
    // Preflights are answered by the CORS layer, not by an operation, so they are outside the contract.
    const response = await exports.default.fetch("https://api.test/users", {
      method: "OPTIONS",
      headers: {
        Origin: allowedOrigin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type, Idempotency-Key",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("idempotency-key");
  });
});

describe("security headers", () => {
  it("are on every response", async () => {
    const response = await http("/health");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Strict-Transport-Security")).toContain("max-age=");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(response.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
  });
});

describe("access logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("write one JSON line per request with method, path, status, duration and request id, and no secrets", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const email = uniqueEmail("logged");
    const token = await adminAccessToken();
    await http("/users", jsonBody({ email, name: "Logged" }, { headers: { "X-Request-Id": "log-check-1" } }));
    const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === "request");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: "POST", path: "/users", status: 201, request_id: "log-check-1" });
    expect(access[0]?.duration_ms).toEqual(expect.any(Number));
    const all = lines.join("\n");
    expect(all).not.toContain(token);
    expect(all).not.toContain(email);
  });
});

describe("database client", () => {
  it("is built once per D1 binding and reused", () => {
    expect(getDb(env.DB)).toBe(getDb(env.DB));
  });
});

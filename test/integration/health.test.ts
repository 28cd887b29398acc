import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { client } from "../support/api";
import { assertMatchesContract } from "../support/contract";

describe("GET /health", () => {
  it("reports ok with version, environment and a real database round trip", async () => {
    const health = await unwrap(client.GET("/health"));
    expect(health).toMatchObject({
      status: "ok",
      version: env.API_VERSION,
      environment: env.ENVIRONMENT,
      checks: { database: { status: "ok" } },
    });
    expect(health?.checks.database.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("answers 503 with a problem and Retry-After when D1 cannot be reached", async () => {
    const unreachable = {
      prepare: () => {
        throw new Error("D1_ERROR: Network connection lost.");
      },
    } as unknown as D1Database;
    const request = new Request("https://api.test/health");
    const response = await createApp().fetch(request, { ...env, DB: unreachable }, {} as ExecutionContext);
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("30");
    const body = await response.json<{ error: { type: string; detail: string } }>();
    expect(body.error.type).toMatch(/\/service-unavailable$/);
    expect(body.error.detail).not.toContain("Network connection lost");
  });

  it("is never cached", async () => {
    const response = await exports.default.fetch("https://api.test/health");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

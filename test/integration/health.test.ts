import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { client } from "../support/api";
import { assertMatchesContract } from "../support/contract";

/** A D1 binding whose every query fails, as in an outage (sessions are still handed out: that is local). */
const unreachableD1 = (message: string) => {
  const fail = () => {
    throw new Error(message);
  };
  return {
    prepare: fail,
    batch: fail,
    withSession: () => ({ prepare: fail, batch: fail, getBookmark: () => null }),
  } as unknown as D1Database;
};

describe("GET /health", () => {
  it("reports ok with version, environment and a real database round trip", async () => {
    const health = await unwrap(client.GET("/health"));
    expect(health).toMatchObject({
      status: "ok",
      version: env.API_VERSION,
      environment: env.ENVIRONMENT,
      checks: { database: { status: "ok" }, storage: { status: "ok" }, realtime: { status: "ok" } },
    });
    expect(health?.checks.database.latency_ms).toBeGreaterThanOrEqual(0);
    expect(health?.checks.storage.latency_ms).toBeGreaterThanOrEqual(0);
    expect(health?.checks.realtime.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("answers 503 naming file storage when R2 cannot be reached", async () => {
    const down = { head: () => Promise.reject(new Error("R2 is down")) } as unknown as R2Bucket;
    const request = new Request("https://api.test/health");
    const response = await createApp().fetch(request, { ...env, FILES: down }, {} as ExecutionContext);
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(503);
    const body = await response.json<{ error: { detail: string } }>();
    expect(body.error.detail).toBe("The file storage cannot be reached.");
  });

  it("answers 503 with a problem and Retry-After when D1 cannot be reached", async () => {
    const unreachable = unreachableD1("D1_ERROR: Network connection lost.");
    const request = new Request("https://api.test/health");
    const response = await createApp().fetch(request, { ...env, DB: unreachable }, {} as ExecutionContext);
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("30");
    const body = await response.json<{ error: { type: string; detail: string } }>();
    expect(body.error.type).toMatch(/\/service-unavailable$/);
    expect(body.error.detail).not.toContain("Network connection lost");
  });

  it("says which optional features are configured, and names what each one lacks", async () => {
    expect((await unwrap(client.GET("/health"))).features).toEqual({
      google_sign_in: { configured: true, missing: [] },
      download_links: { configured: true, missing: [] },
      previews: { configured: true, missing: [] },
      image_previews: { configured: true, missing: [] },
      webhooks: { configured: true, missing: [] },
      mcp: { configured: true, missing: [] },
      chat: { configured: true, missing: [] },
    });
    const request = new Request("https://api.test/health");
    const bare = {
      ...env,
      GOOGLE_CLIENT_ID: "",
      DOWNLOAD_URL_KEYS: undefined,
      PREVIEWS: undefined,
      IMAGES: undefined,
      WEBHOOKS: undefined,
      WEBHOOK_SECRET_KEYS: undefined,
      MCP: undefined,
      CHAT: undefined,
    };
    const response = await createApp().fetch(request, bare, {} as ExecutionContext);
    await assertMatchesContract("GET", request.url, response.clone());
    const { data } = await response.json<{ data: { features: Record<string, unknown> } }>();
    expect(data.features).toEqual({
      google_sign_in: { configured: false, missing: ["GOOGLE_CLIENT_ID"] },
      download_links: { configured: false, missing: ["DOWNLOAD_URL_KEYS"] },
      previews: { configured: false, missing: ["PREVIEWS"] },
      image_previews: { configured: false, missing: ["PREVIEWS", "IMAGES"] },
      webhooks: { configured: false, missing: ["WEBHOOKS", "WEBHOOK_SECRET_KEYS"] },
      mcp: { configured: false, missing: ["MCP"] },
      chat: { configured: false, missing: ["CHAT"] },
    });
  });

  it("has a liveness path that answers without touching any dependency", async () => {
    const unreachable = unreachableD1("D1 is down");
    const request = new Request("https://api.test/health/live");
    const response = await createApp().fetch(
      request,
      { ...env, DB: unreachable, FILES: undefined as unknown as R2Bucket },
      {} as ExecutionContext,
    );
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(200);
    expect((await response.json<{ data: unknown }>()).data).toEqual({ status: "ok" });
  });

  it("is never cached", async () => {
    const response = await exports.default.fetch("https://api.test/health");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

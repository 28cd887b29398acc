import { describe, expect, it } from "vitest";
import { assertMatchesContract } from "../support/contract";

// The contract checker guards every integration test; these prove it rejects what it must.
const json = (body: unknown, status = 200, contentType = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });

const validHealth = {
  success: true,
  data: {
    status: "ok",
    version: "1.0.0",
    environment: "test",
    checks: {
      database: { status: "ok", latency_ms: 1 },
      storage: { status: "ok", latency_ms: 2 },
      realtime: { status: "ok", latency_ms: 3 },
    },
    features: {
      google_sign_in: { configured: false, missing: ["GOOGLE_CLIENT_ID"] },
      download_links: { configured: true, missing: [] },
      previews: { configured: true, missing: [] },
      image_previews: { configured: true, missing: [] },
    },
  },
  metadata: { timestamp: "2026-11-25T10:00:00.000Z", correlation_id: "abc", version: "1.0.0" },
};

describe("contract checker", () => {
  it("accepts a documented response that matches its schema", async () => {
    await expect(assertMatchesContract("GET", "https://x/health", json(validHealth))).resolves.toBeUndefined();
  });

  it("rejects a body that does not match the schema", async () => {
    const body = { ...validHealth, data: { ...validHealth.data, status: "degraded" } };
    await expect(assertMatchesContract("GET", "https://x/health", json(body))).rejects.toThrow(/does not match/);
  });

  it("rejects an undocumented status", async () => {
    await expect(assertMatchesContract("GET", "https://x/health", json(validHealth, 418))).rejects.toThrow(
      /does not document status 418/,
    );
  });

  it("rejects an undocumented operation and an unknown path", async () => {
    await expect(assertMatchesContract("PUT", "https://x/health", json({}))).rejects.toThrow(/not a documented/);
    await expect(assertMatchesContract("GET", "https://x/nowhere", json({}))).rejects.toThrow(/no path/);
  });

  it("rejects a content type the spec does not list", async () => {
    await expect(
      assertMatchesContract("GET", "https://x/health", json(validHealth, 200, "text/plain")),
    ).rejects.toThrow(/content type "text\/plain"/);
  });

  it("checks problems against the shared error components", async () => {
    const problem = { success: false, error: { type: "not a uri", title: "x", status: 404 } };
    await expect(assertMatchesContract("GET", "https://x/users/abc", json(problem, 404))).rejects.toThrow(
      /does not match/,
    );
  });
});

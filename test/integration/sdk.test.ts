import { describe, expect, it } from "vitest";
import { ApiProblemError, createClient, paginate, unwrap } from "../../sdk/src";
import { adminAccessToken, BASE_URL, client, contractFetch } from "../support/api";
import { createUser } from "../support/factories";

const missingId = "cmissing0000000000000000";

describe("SDK", () => {
  it("unwrap raises ApiProblemError carrying the problem of an enveloped error", async () => {
    const error = await unwrap(client.GET("/users/{id}", { params: { path: { id: missingId } } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error).toMatchObject({ status: 404, problem: { status: 404, instance: `/users/${missingId}` } });
    expect(error.type).toMatch(/\/not-found$/);
    expect(error.message).toContain("404 Not found");
  });

  it("unwrap understands bare application/problem+json errors too", async () => {
    const bare = createClient({
      baseUrl: BASE_URL,
      fetch: contractFetch,
      token: adminAccessToken,
      headers: { Accept: "application/problem+json" },
    });
    const error = await unwrap(bare.GET("/users/{id}", { params: { path: { id: missingId } } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error.problem.type).toMatch(/\/not-found$/);
  });

  it("unwrap resolves a 204 to undefined", async () => {
    const user = await createUser();
    await expect(unwrap(client.DELETE("/users/{id}", { params: { path: { id: user.id } } }))).resolves.toBeUndefined();
  });

  it("paginate raises ApiProblemError when a page request fails", async () => {
    const pages = paginate(() => client.GET("/users", { params: { query: { cursor: "not-a-cursor" } } }));
    const error = await pages.next().catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error.problem.errors?.[0]?.path).toBe("query.cursor");
  });

  it("sends a bearer token, from a string or a function, on every request", async () => {
    const seen: (string | null)[] = [];
    const recording = (request: Request) => {
      seen.push(request.headers.get("Authorization"));
      return contractFetch(request);
    };
    const token = await adminAccessToken();
    const fromString = await createClient({ baseUrl: BASE_URL, fetch: recording, token }).GET("/me");
    const fromFunction = await createClient({ baseUrl: BASE_URL, fetch: recording, token: adminAccessToken }).GET(
      "/me",
    );
    expect(seen).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    expect([fromString.response.status, fromFunction.response.status]).toEqual([200, 200]);
  });
});

import { describe, expect, it } from "vitest";
import { anonymous, client, clientWith, signIn } from "../support/api";
import { createUser } from "../support/factories";

// One isolate serves many requests at once, sharing its PrismaClient and caches. A promise that one
// request created and another awaits never resolves in Workers: these requests would hang.
describe("concurrent requests in one isolate", () => {
  it("authenticate and read at the same time", async () => {
    const tokens = await signIn("USER");
    const api = clientWith(tokens.access_token);
    const results = await Promise.all([api.GET("/me"), api.GET("/me"), api.GET("/me/sessions"), api.GET("/me")]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200, 200]);
  });

  it("read users by id at the same time", async () => {
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const ids = [a.id, b.id, a.id, b.id];
    const results = await Promise.all(ids.map((id) => client.GET("/users/{id}", { params: { path: { id } } })));
    expect(results.map((r) => r.data?.data.id)).toEqual(ids);
  });

  it("check health at the same time", async () => {
    const results = await Promise.all([anonymous.GET("/health"), anonymous.GET("/health"), anonymous.GET("/health")]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
  });
});

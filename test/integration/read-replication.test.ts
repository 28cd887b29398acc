import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient, unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { adminAccessToken, BASE_URL, contractFetch, http } from "../support/api";
import { problemOf } from "../support/conversations";

// D1 read replication (src/middleware/read-replication.ts): every request's queries run in a D1 session started from
// the client's Consistency-Bookmark, and every response carries the session's newest bookmark.

const BOOKMARK = "Consistency-Bookmark";
const app = createApp();

describe("read replication", () => {
  it("answers every request with the bookmark of what it read or wrote", async () => {
    const response = await http("/users?limit=5");
    expect(response.status).toBe(200);
    expect(response.headers.get(BOOKMARK)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
  });

  it("takes a bookmark back, and a later write's bookmark sorts after it", async () => {
    const first = (await http("/users?limit=1")).headers.get(BOOKMARK) ?? "";
    const write = await http("/threads", {
      method: "POST",
      headers: { "Content-Type": "application/json", [BOOKMARK]: first },
      body: JSON.stringify({ title: "bookmarked" }),
    });
    expect(write.status).toBe(201);
    const after = write.headers.get(BOOKMARK) ?? "";
    expect(after > first, `${after} after ${first}`).toBe(true);
    const read = await http("/threads?limit=1", { headers: { [BOOKMARK]: after } });
    expect(read.status).toBe(200);
    expect((read.headers.get(BOOKMARK) ?? "") >= after).toBe(true);
  });

  it("refuses a bookmark it cannot have issued: 400 naming the header", async () => {
    for (const bad of ["not a bookmark!", "-", "0000000a-00000004-00004fb4-"]) {
      const response = await http("/users?limit=1", { headers: { [BOOKMARK]: bad } });
      expect(response.status, bad).toBe(400);
      const problem = await problemOf(response);
      expect(problem.errors?.[0]?.path).toBe("header.consistency-bookmark");
    }
  });

  it("runs the ORM's queries and raw D1 statements in the request's session", async () => {
    const constraints: string[] = [];
    let statements = 0;
    const spied = new Proxy(env.DB, {
      get(target, property) {
        if (property === "withSession") {
          return (constraint: string) => {
            constraints.push(constraint);
            const session = target.withSession(constraint);
            return new Proxy(session, {
              get(inner, name) {
                if (name === "prepare") {
                  return (query: string) => {
                    statements++;
                    return inner.prepare(query);
                  };
                }
                const value: unknown = Reflect.get(inner, name, inner);
                return typeof value === "function" ? value.bind(inner) : value;
              },
            });
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const send = async (method: string, path: string, body?: unknown) => {
      const request = new Request(new URL(path, BASE_URL), {
        method,
        headers: { Authorization: `Bearer ${await adminAccessToken()}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const ctx = createExecutionContext();
      const response = await app.fetch(request, { ...env, DB: spied }, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    // A Prisma read (the users page) and a raw D1 batch (a thread with its first message).
    expect((await send("GET", "/users?limit=1")).status).toBe(200);
    expect((await send("POST", "/threads", { title: "in a session", messages: [{ text: "hi" }] })).status).toBe(201);
    expect(constraints).toEqual(["first-unconstrained", "first-primary"]);
    expect(statements).toBeGreaterThanOrEqual(3);
  });

  it("has the SDK send back the newest bookmark it received", async () => {
    const sent: (string | null)[] = [];
    const api = createClient({
      baseUrl: BASE_URL,
      token: adminAccessToken,
      fetch: (request) => {
        sent.push(request.headers.get(BOOKMARK));
        return contractFetch(request);
      },
    });
    const thread = await unwrap(api.POST("/threads", { body: { title: "read my writes" } }));
    const { response } = await api.GET("/threads/{id}", { params: { path: { id: thread.id } } });
    expect(response.status).toBe(200);
    expect(sent[0]).toBeNull();
    expect(sent[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
  });
});

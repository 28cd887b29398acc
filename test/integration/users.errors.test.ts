import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { adminAccessToken, client, http, jsonBody } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { createUser, uniqueEmail } from "../support/factories";

interface ProblemBody {
  success: false;
  error: { type: string; status: number; detail: string; errors?: { path: string; code: string; message: string }[] };
}

const problemOf = async (response: Response) => (await response.json<ProblemBody>()).error;
const paths = (problem: ProblemBody["error"]) => problem.errors?.map((e) => e.path).sort();

describe("users: request bodies that cannot be read", () => {
  it("answers malformed JSON with 400 malformed-request", async () => {
    const response = await http("/users", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"email": "a@example.com",',
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).type).toMatch(/\/malformed-request$/);
  });

  it("answers a non-JSON content type with 415", async () => {
    const response = await http("/users", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hi" });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).type).toMatch(/\/unsupported-media-type$/);
  });

  it("answers a body without a content type with 415", async () => {
    const response = await http("/users", { method: "POST", body: new Blob(['{"email":"a@example.com"}']) });
    expect(response.status).toBe(415);
  });

  it("answers a body over the size limit with 413, by Content-Length", async () => {
    const name = "x".repeat(Number(env.MAX_BODY_BYTES));
    const response = await http("/users", jsonBody({ email: uniqueEmail(), name }));
    expect(response.status).toBe(413);
    expect((await problemOf(response)).detail).toContain(env.MAX_BODY_BYTES);
  });

  it("answers a streamed body over the size limit with 413", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > Number(env.MAX_BODY_BYTES)) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await http("/users", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("answers a missing body with 400 listing the required fields", async () => {
    const response = await http("/users", { method: "POST", headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
  });
});

describe("users: validation lists every failing field by path", () => {
  it("reports every invalid field of a create at once", async () => {
    const response = await http("/users", jsonBody({ email: "not-an-email", name: "", role: "KING" }));
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.type).toMatch(/\/validation-error$/);
    expect(paths(problem)).toEqual(["body.email", "body.name", "body.role"]);
  });

  it("rejects unknown fields, naming each one (no mass assignment of id, role or timestamps)", async () => {
    const response = await http(
      "/users",
      jsonBody({ email: uniqueEmail(), name: "Eve", id: "mine", created_at: "2000-01-01T00:00:00Z", admin: true }),
    );
    expect(response.status).toBe(400);
    expect(paths(await problemOf(response))).toEqual(["body.admin", "body.created_at", "body.id"]);
  });

  it("rejects an avatar_url that is not https", async () => {
    const response = await http("/users", jsonBody({ email: uniqueEmail(), name: "Eve", avatar_url: "http://x.y/a" }));
    expect(paths(await problemOf(response))).toEqual(["body.avatar_url"]);
  });

  it("caps the listed fields at 100 and counts them all in detail", async () => {
    const body = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`extra_${i}`, i]));
    const response = await http("/users", jsonBody({ email: uniqueEmail(), name: "Many", ...body }));
    const problem = await problemOf(response);
    expect(problem.errors).toHaveLength(100);
    expect(problem.detail).toBe("150 fields are not valid.");
  });

  it("rejects a PATCH with no fields", async () => {
    const user = await createUser();
    const response = await http(`/users/${user.id}`, jsonBody({}, { method: "PATCH" }));
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.[0]?.message).toBe("Send at least one field to change");
  });

  it("rejects a PATCH that tries to set id or timestamps", async () => {
    const user = await createUser();
    const response = await http(
      `/users/${user.id}`,
      jsonBody({ name: "ok", id: "x", updated_at: "2000-01-01T00:00:00Z" }, { method: "PATCH" }),
    );
    expect(paths(await problemOf(response))).toEqual(["body.id", "body.updated_at"]);
  });

  it("rejects an id that cannot be one of ours", async () => {
    const response = await http("/users/NOT%20AN%20ID");
    expect(response.status).toBe(400);
    expect(paths(await problemOf(response))).toEqual(["param.id"]);
  });
});

describe("users: list query errors", () => {
  it.each([
    ["0", "below the minimum"],
    ["101", "above the maximum"],
    ["abc", "not a number"],
    ["1.5", "not an integer"],
  ])("rejects limit=%s (%s)", async (limit) => {
    const response = await http(`/users?limit=${limit}`);
    expect(response.status).toBe(400);
    expect(paths(await problemOf(response))).toEqual(["query.limit"]);
  });

  it.each([
    ["garbage", "!!!"],
    ["well-formed base64 of the wrong shape", btoa('{"a":1}')],
  ])("rejects a cursor that is %s", async (_why, cursor) => {
    const response = await http(`/users?cursor=${encodeURIComponent(cursor)}`);
    expect(response.status).toBe(400);
    expect(paths(await problemOf(response))).toEqual(["query.cursor"]);
  });

  it("rejects an unknown role filter and a malformed email filter together", async () => {
    const response = await http("/users?role=KING&email=nope");
    expect(paths(await problemOf(response))).toEqual(["query.email", "query.role"]);
  });
});

describe("users: state conflicts", () => {
  it("answers a taken email with 409, whatever its case", async () => {
    const email = uniqueEmail("taken");
    await createUser({ email });
    const response = await http("/users", jsonBody({ email: email.toUpperCase(), name: "Twin" }));
    expect(response.status).toBe(409);
    const problem = await problemOf(response);
    expect(problem.type).toMatch(/\/conflict$/);
    expect(problem.detail).toContain(email.toLowerCase());
  });

  it("answers a PATCH to a taken email with 409 and leaves the user unchanged", async () => {
    const taken = await createUser();
    const user = await createUser();
    const response = await http(`/users/${user.id}`, jsonBody({ email: taken.email }, { method: "PATCH" }));
    expect(response.status).toBe(409);
    const { data } = await client.GET("/users/{id}", { params: { path: { id: user.id } } });
    expect(data?.data.email).toBe(user.email);
  });

  it("answers a stale If-Match with 412 and does not apply the update", async () => {
    const user = await createUser({ name: "Original" });
    const { response } = await client.GET("/users/{id}", { params: { path: { id: user.id } } });
    const staleEtag = response.headers.get("ETag") ?? "";
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client.PATCH("/users/{id}", { params: { path: { id: user.id } }, body: { name: "Someone else" } });
    const late = await http(
      `/users/${user.id}`,
      jsonBody({ name: "Mine" }, { method: "PATCH", headers: { "If-Match": staleEtag } }),
    );
    expect(late.status).toBe(412);
    expect((await problemOf(late)).type).toMatch(/\/precondition-failed$/);
    const { data } = await client.GET("/users/{id}", { params: { path: { id: user.id } } });
    expect(data?.data.name).toBe("Someone else");
  });

  it("answers an If-Match that is not one of our ETags with 412", async () => {
    const user = await createUser();
    const response = await http(
      `/users/${user.id}`,
      jsonBody({ name: "x" }, { method: "PATCH", headers: { "If-Match": 'W/"nope!"' } }),
    );
    expect(response.status).toBe(412);
  });
});

describe("users: missing users", () => {
  const missing = "cmissing0000000000000000";

  it.each([
    ["GET", undefined],
    ["PATCH", JSON.stringify({ name: "x" })],
    ["DELETE", undefined],
  ])("%s of an unknown id answers 404", async (method, body) => {
    const response = await http(`/users/${missing}`, {
      method,
      body,
      headers: body ? { "Content-Type": "application/json" } : {},
    });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).type).toMatch(/\/not-found$/);
  });
});

describe("unexpected failures", () => {
  it("answer a generic 500 problem that leaks nothing about the cause", async () => {
    const prepare = () => {
      throw new Error("SQLITE_CORRUPT: secret table layout /var/db/prod.sqlite");
    };
    // Every query fails, in the request's D1 session too.
    const failing = { prepare, withSession: () => ({ prepare, getBookmark: () => null }) } as unknown as D1Database;
    // The session lookup (unless this isolate checked the session lately) or else the page fails.
    const request = new Request("https://api.test/users", {
      headers: { "X-Request-Id": "trace-me-500", Authorization: `Bearer ${await adminAccessToken()}` },
    });
    const response = await createApp().fetch(request, { ...env, DB: failing }, {} as ExecutionContext);
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/SQLITE|secret|prod\.sqlite|prisma/i);
    const problem = (JSON.parse(text) as ProblemBody).error;
    expect(problem.type).toMatch(/\/internal-error$/);
    expect(problem).toMatchObject({ status: 500, trace_id: "trace-me-500" });
  });
});

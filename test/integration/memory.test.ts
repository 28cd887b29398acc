import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { allEvents, json, newAgent, newThread, newUser, problemOf } from "../support/conversations";

const MERGE_PATCH = "application/merge-patch+json";
const patch = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "PATCH",
  headers: { "Content-Type": MERGE_PATCH, ...headers },
  body: JSON.stringify(body),
});

const setUp = async () => {
  const ada = await newUser();
  const thread = await newThread(ada.api);
  return { ada, thread, path: `/threads/${thread.id}/memory` };
};

describe("thread memory", () => {
  it("starts empty at version 0", async () => {
    const { ada, thread } = await setUp();
    const memory = await unwrap(ada.api.GET("/threads/{id}/memory", { params: { path: { id: thread.id } } }));
    expect(memory).toEqual({ version: 0, updated_at: null, memory: {} });
  });

  it("is replaced without If-Match the first time, then only with it (428 otherwise)", async () => {
    const { ada, path } = await setUp();
    const first = await ada.http(path, json("PUT", { customer: "Acme" }));
    expect(first.status).toBe(200);
    expect(first.headers.get("ETag")).toBe('"1"');
    const blind = await ada.http(path, json("PUT", { customer: "Globex" }));
    expect(blind.status).toBe(428);
    expect((await problemOf(blind)).type).toMatch(/\/precondition-required$/);
    const stale = await ada.http(path, json("PUT", { customer: "Globex" }, { "If-Match": '"0"' }));
    expect(stale.status).toBe(412);
    const pinned = await ada.http(path, json("PUT", { customer: "Globex" }, { "If-Match": '"1"' }));
    expect(pinned.status).toBe(200);
    const forced = await ada.http(path, json("PUT", { customer: "Initech" }, { "If-Match": "*" }));
    expect((await forced.json<{ data: unknown }>()).data).toMatchObject({
      version: 3,
      memory: { customer: "Initech" },
    });
  });

  // RFC 7396, Appendix A: the examples whose target and patch are objects (memory always is one).
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("merge-patches %j with %j into %j (RFC 7396)", async (target, change, expected) => {
    const { ada, path } = await setUp();
    await ada.http(path, json("PUT", target));
    const response = await ada.http(path, patch(change));
    expect(response.status).toBe(200);
    expect((await response.json<{ data: unknown }>()).data).toMatchObject({ version: 2, memory: expected });
    expect((await (await ada.http(path)).json<{ data: { memory: unknown } }>()).data.memory).toEqual(expected);
  });

  it("loses no update when patches to different members race", async () => {
    const { ada, path } = await setUp();
    const agent = await newAgent();
    const threadPath = path;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? ada : agent).http(threadPath, patch({ [`fact_${i}`]: i }))),
    );
    const memory = await (await ada.http(path)).json<{ data: { version: number; memory: Record<string, number> } }>();
    expect(memory.data.version).toBe(8);
    expect(memory.data.memory).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`fact_${i}`, i])));
  });

  it("refuses a patch pinned to a stale version (412)", async () => {
    const { ada, path } = await setUp();
    await ada.http(path, json("PUT", { a: 1 }));
    await ada.http(path, patch({ b: 2 }));
    const response = await ada.http(path, patch({ c: 3 }, { "If-Match": '"1"' }));
    expect(response.status).toBe(412);
  });

  it("wants the merge-patch media type (415 for plain JSON)", async () => {
    const { ada, path } = await setUp();
    const response = await ada.http(path, { ...patch({ a: 1 }), headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).detail).toContain(MERGE_PATCH);
  });

  it("refuses a replacement or a patch sent with no body and no Content-Type (415), keeping the memory", async () => {
    const { ada, path } = await setUp();
    await ada.http(path, json("PUT", { kept: true }));
    for (const method of ["PUT", "PATCH"]) {
      const response = await ada.http(path, { method, headers: { "If-Match": "*" } });
      expect(response.status, method).toBe(415);
      expect((await problemOf(response)).detail).toContain(method === "PUT" ? "application/json" : MERGE_PATCH);
    }
    const memory = await (await ada.http(path)).json<{ data: unknown }>();
    expect(memory.data).toMatchObject({ version: 1, memory: { kept: true } });
  });

  it("applies a merge patch only when it is sent as one: a replacing PUT refuses it (415)", async () => {
    const { ada, path } = await setUp();
    await ada.http(path, json("PUT", { a: 1, b: 2 }));
    const response = await ada.http(path, { ...patch({ b: 3 }, { "If-Match": "*" }), method: "PUT" });
    expect(response.status).toBe(415);
    expect((await (await ada.http(path)).json<{ data: unknown }>()).data).toMatchObject({ memory: { a: 1, b: 2 } });
  });

  it("answers If-None-Match with 304 until the memory changes", async () => {
    const { ada, path } = await setUp();
    await ada.http(path, json("PUT", { a: 1 }));
    expect((await ada.http(path, { headers: { "If-None-Match": '"1"' } })).status).toBe(304);
    await ada.http(path, patch({ a: 2 }));
    expect((await ada.http(path, { headers: { "If-None-Match": '"1"' } })).status).toBe(200);
  });

  it("logs memory.updated with the whole document, and moves the thread's version", async () => {
    const { ada, thread, path } = await setUp();
    await ada.http(path, json("PUT", { a: 1 }));
    const events = await allEvents(ada.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "memory.updated", data: { version: 1, memory: { a: 1 } } });
    const after = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(after).toMatchObject({ memory_version: 1, last_event_seq: 2 });
  });

  it("keeps to 64 KiB: a document at the limit is stored, one byte more is refused, also when patched", async () => {
    const { ada, path } = await setUp();
    const atLimit = { notes: "x".repeat(65_536 - '{"notes":""}'.length) };
    expect((await ada.http(path, json("PUT", atLimit))).status).toBe(200);
    const over = await ada.http(path, json("PUT", { notes: `${atLimit.notes}x` }, { "If-Match": "*" }));
    expect(over.status).toBe(400);
    expect((await problemOf(over)).errors?.map((e) => e.path)).toEqual(["body"]);
    const grown = await ada.http(path, patch({ more: "y" }));
    expect(grown.status).toBe(400);
    expect((await problemOf(grown)).errors?.map((e) => e.path)).toEqual(["body"]);
  });

  it("nests 32 levels deep and refuses 33, in a document and in a patch", async () => {
    const { ada, path } = await setUp();
    const nested = (levels: number) => {
      let value: unknown = "bottom";
      for (let i = 0; i < levels; i++) value = { d: value };
      return value;
    };
    expect((await ada.http(path, json("PUT", nested(32)))).status).toBe(200);
    expect((await ada.http(path, json("PUT", nested(33), { "If-Match": "*" }))).status).toBe(400);
    expect((await ada.http(path, patch(nested(33)))).status).toBe(400);
  });

  it("refuses a read-only user's write, and a non-object document", async () => {
    const viewer = await newUser("VIEWER");
    const agent = await newAgent();
    const thread = await newThread(agent.api, { owner_id: viewer.id });
    const path = `/threads/${thread.id}/memory`;
    expect((await viewer.http(path)).status).toBe(200);
    expect((await viewer.http(path, json("PUT", { a: 1 }))).status).toBe(403);
    expect((await agent.http(path, json("PUT", ["not", "an", "object"]))).status).toBe(400);
  });
});

describe("thread memory: hostile documents", () => {
  it("answers a document nested thousands of levels deep with 400, not a crash", async () => {
    const { ada, path } = await setUp();
    const body = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    for (const init of [
      { method: "PUT", headers: { "Content-Type": "application/json" }, body },
      { method: "PATCH", headers: { "Content-Type": MERGE_PATCH }, body },
    ]) {
      const response = await ada.http(path, init);
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body"]);
    }
  });

  it("refuses a member named __proto__ rather than dropping it", async () => {
    const { ada, thread, path } = await setUp();
    const response = await ada.http(path, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: '{"__proto__":{"x":1},"a":1}',
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.__proto__"]);
    const memory = await unwrap(ada.api.GET("/threads/{id}/memory", { params: { path: { id: thread.id } } }));
    expect(memory.version).toBe(0);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { getDb } from "../../src/repositories/db";
import { client } from "../support/api";
import {
  allEvents,
  json,
  newAgent,
  newThread,
  newUser,
  post,
  problemOf,
  snapshotOf,
  threadSnapshotOf,
} from "../support/conversations";

const db = getDb(env.DB);

describe("threads: create", () => {
  it("creates a thread with its first messages in one write, with an event for each", async () => {
    const ada = await newUser();
    const { data, response } = await ada.api.POST("/threads", {
      body: {
        title: "Q3 churn",
        metadata: { crm: "acme-42" },
        messages: [{ text: "Hello" }, { text: "Are you there?" }],
      },
    });
    expect(response.status).toBe(201);
    const thread = data?.data;
    if (!thread) throw new Error("no thread");
    expect(thread).toMatchObject({
      owner_id: ada.id,
      title: "Q3 churn",
      status: "ACTIVE",
      metadata: { crm: "acme-42" },
      message_count: 2,
      last_event_seq: 3,
      memory_version: 0,
    });
    expect(response.headers.get("Location")).toBe(`/threads/${thread.id}`);
    // The thread's version, then the reader's read mark (its creator has read it up to its first messages).
    expect(response.headers.get("ETag")).toBe('"3-3"');

    const messages = await unwrap(
      ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id }, query: { order: "asc" } } }),
    );
    expect(messages.map((m) => [m.seq, m.text, m.role, m.author])).toEqual([
      [2, "Hello", "USER", { type: "user", id: ada.id }],
      [3, "Are you there?", "USER", { type: "user", id: ada.id }],
    ]);
    const events = await allEvents(ada.api, thread.id);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, "thread.created"],
      [2, "message.created"],
      [3, "message.created"],
    ]);
    expect(events[1]?.data).toEqual(messages[0] && snapshotOf(messages[0]));
  });

  it("lets an API key create a thread for a user, and refuses one that names nobody", async () => {
    const owner = await newUser();
    const agent = await newAgent();
    const created = await newThread(agent.api, { owner_id: owner.id, messages: [{ text: "Hi, I am your agent" }] });
    expect(created.owner_id).toBe(owner.id);
    const [first] = await unwrap(owner.api.GET("/threads/{id}/messages", { params: { path: { id: created.id } } }));
    expect(first).toMatchObject({ role: "ASSISTANT", author: { type: "api_key", id: agent.id } });

    const response = await agent.http("/threads", json("POST", { title: "Whose?" }));
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.owner_id"]);
  });

  it("refuses a user creating a thread for someone else", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const response = await ada.http("/threads", json("POST", { title: "For Bob", owner_id: bob.id }));
    expect(response.status).toBe(403);
  });

  it("stores nothing when one of the initial messages is refused", async () => {
    const ada = await newUser();
    const title = `atomic-${crypto.randomUUID()}`;
    const response = await ada.http(
      "/threads",
      json("POST", { title, messages: [{ text: "fine" }, { text: "as the agent", role: "ASSISTANT" }] }),
    );
    expect(response.status).toBe(403);
    expect(await db.thread.count({ where: { title } })).toBe(0);
  });
});

describe("threads: read, list, update, delete", () => {
  it("answers If-None-Match with 304 until something in the thread changes", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const first = await ada.http(`/threads/${thread.id}`);
    const etag = first.headers.get("ETag") ?? "";
    expect((await ada.http(`/threads/${thread.id}`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    await post(ada.api, thread.id, "news");
    const after = await ada.http(`/threads/${thread.id}`, { headers: { "If-None-Match": etag } });
    expect(after.status).toBe(200);
    expect((await after.json<{ data: { message_count: number } }>()).data.message_count).toBe(1);
  });

  it("lists my threads by last activity, paging with a cursor, and never other people's", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const a1 = await newThread(ada.api, { title: "a1" });
    const a2 = await newThread(ada.api, { title: "a2" });
    const a3 = await newThread(ada.api, { title: "a3" });
    await newThread(bob.api, { title: "b1" });
    await post(ada.api, a1.id, "a1 is active again");

    const first = await ada.api.GET("/threads", { params: { query: { limit: 2 } } });
    expect(first.data?.data.map((t) => t.title)).toEqual(["a1", "a3"]);
    const cursor = first.data?.pagination.next_cursor ?? undefined;
    const second = await ada.api.GET("/threads", { params: { query: { limit: 2, cursor } } });
    expect(second.data?.data.map((t) => t.title)).toEqual(["a2"]);
    expect(second.data?.pagination).toMatchObject({ has_more: false, next_cursor: null });
    expect([a2.id, a3.id]).toContain(first.data?.data[1]?.id ?? a3.id);

    const others = await ada.api.GET("/threads", { params: { query: { owner_id: bob.id } } });
    expect(others.data?.data).toEqual([]);
  });

  it("filters by status and by activity since a time", async () => {
    const ada = await newUser();
    const old = await newThread(ada.api, { title: "old" });
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: old.id } }, body: { status: "ARCHIVED" } }));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await newThread(ada.api, { title: "new" });
    const archived = await unwrap(ada.api.GET("/threads", { params: { query: { status: "ARCHIVED" } } }));
    expect(archived.map((t) => t.title)).toEqual(["old"]);
    const recent = await unwrap(ada.api.GET("/threads", { params: { query: { updated_since: since } } }));
    expect(recent.map((t) => t.title)).toEqual(["new"]);
  });

  it("updates title, status and metadata, logging thread.updated with the new thread", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const updated = await unwrap(
      ada.api.PATCH("/threads/{id}", {
        params: { path: { id: thread.id } },
        body: { title: "Renamed", metadata: { stage: "review" } },
      }),
    );
    expect(updated).toMatchObject({ title: "Renamed", metadata: { stage: "review" }, last_event_seq: 2 });
    const events = await allEvents(ada.api, thread.id);
    expect(events.at(-1)).toMatchObject({ seq: 2, type: "thread.updated", data: threadSnapshotOf(updated) });
    const got = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(got).toEqual(updated);
  });

  it("refuses an update with a stale If-Match (412) and applies one with the current ETag", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const etag = (await ada.http(`/threads/${thread.id}`)).headers.get("ETag") ?? "";
    await post(ada.api, thread.id, "moves the thread on");
    const stale = await ada.http(`/threads/${thread.id}`, json("PATCH", { title: "Mine" }, { "If-Match": etag }));
    expect(stale.status).toBe(412);
    const fresh = (await ada.http(`/threads/${thread.id}`)).headers.get("ETag") ?? "";
    const applied = await ada.http(`/threads/${thread.id}`, json("PATCH", { title: "Mine" }, { "If-Match": fresh }));
    expect(applied.status).toBe(200);
  });

  it("makes an archived thread read-only until it is active again", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }));
    const refused = await ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "hello?" }));
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).type).toMatch(/\/thread-archived$/);
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ACTIVE" } }));
    expect((await ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "hello!" }))).status).toBe(201);
  });

  it("deletes a thread with everything in it", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "one" }] });
    expect((await ada.http(`/threads/${thread.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await ada.http(`/threads/${thread.id}`)).status).toBe(404);
    expect(await db.message.count({ where: { threadId: thread.id } })).toBe(0);
    expect(await db.threadEvent.count({ where: { threadId: thread.id } })).toBe(0);
  });

  it("answers 404 for another user's thread, for every kind of access", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const thread = await newThread(ada.api);
    for (const [path, init] of [
      [`/threads/${thread.id}`, {}],
      [`/threads/${thread.id}`, json("PATCH", { title: "mine now" })],
      [`/threads/${thread.id}/messages`, {}],
      [`/threads/${thread.id}/events`, {}],
      [`/threads/${thread.id}/memory`, {}],
    ] as const) {
      expect((await bob.http(path, init)).status, path).toBe(404);
    }
  });
});

describe("threads: metadata limits", () => {
  it("accepts 16 keys of 64 characters with values of 512", async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 16 }, (_, i) => [`${String(i).padStart(2, "0")}${"k".repeat(62)}`, "v".repeat(512)]),
    );
    const thread = await unwrap(client.POST("/threads", { body: { title: "limits", metadata } }));
    expect(Object.keys(thread.metadata)).toHaveLength(16);
  });

  it.each([
    ["a 17th key", Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])), "body.metadata"],
    ["a value of 513 characters", { notes: "v".repeat(513) }, "body.metadata.notes"],
    ["a key of 65 characters", { ["k".repeat(65)]: "v" }, `body.metadata.${"k".repeat(65)}`],
    ["a value that is not a string", { count: 3 }, "body.metadata.count"],
  ])("refuses %s, naming it", async (_what, metadata, path) => {
    const ada = await newUser();
    const response = await ada.http("/threads", json("POST", { title: "limits", metadata }));
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path)).toContain(path);
  });
});

describe("threads: an API key's first messages", () => {
  it("need messages:write besides threads:write", async () => {
    const owner = await newUser();
    const threadsOnly = await newAgent(["threads:read", "threads:write"]);
    const withMessages = json("POST", { title: "t", owner_id: owner.id, messages: [{ text: "hi" }] });
    expect((await threadsOnly.http("/threads", withMessages)).status).toBe(403);
    expect((await threadsOnly.http("/threads", json("POST", { title: "t", owner_id: owner.id }))).status).toBe(201);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { getDb } from "../../src/repositories/db";
import { allEvents, json, newAgent, newThread, newUser, post, problemOf, snapshotOf } from "../support/conversations";

const db = getDb(env.DB);

/** A File row as the upload endpoints (a later issue) will leave it. */
const newFile = (uploadedById: string, status: "READY" | "DELETED" = "READY") =>
  db.file.create({
    data: {
      uploadedById,
      filename: "report.pdf",
      contentType: "application/pdf",
      sizeBytes: 1234,
      storageKey: `files/${crypto.randomUUID()}`,
      status,
    },
  });

describe("messages: who writes them", () => {
  it("records the user as author of a USER message, whatever the body says about anyone", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const message = await post(ada.api, thread.id, "hi");
    expect(message).toMatchObject({ role: "USER", author: { type: "user", id: ada.id }, seq: 2, text: "hi" });
    const forged = await ada.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "hi", author: { type: "api_key", id: "x" } }),
    );
    expect(forged.status).toBe(400);
    expect((await problemOf(forged)).errors?.map((e) => e.path)).toEqual(["body.author"]);
  });

  it.each(["ASSISTANT", "SYSTEM", "TOOL"] as const)("refuses a user posting as %s (403)", async (role) => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const response = await ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "I am the AI", role }));
    expect(response.status).toBe(403);
    expect(await db.message.count({ where: { threadId: thread.id } })).toBe(0);
  });

  it("lets an API key post as ASSISTANT (the default), SYSTEM or TOOL, but not as USER", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const path = { params: { path: { id: thread.id } } };
    const { response, data } = await agent.api.POST("/threads/{id}/messages", { ...path, body: { text: "Hello" } });
    expect(response.status).toBe(201);
    expect(data?.data).toMatchObject({ role: "ASSISTANT", author: { type: "api_key", id: agent.id } });
    for (const role of ["SYSTEM", "TOOL"] as const) {
      expect(
        (await agent.api.POST("/threads/{id}/messages", { ...path, body: { text: role, role } })).response.status,
      ).toBe(201);
    }
    const asUser = await agent.http(`/threads/${thread.id}/messages`, json("POST", { text: "I am Ada", role: "USER" }));
    expect(asUser.status).toBe(403);
  });

  it("refuses read-only users and keys without messages:write", async () => {
    const viewer = await newUser("VIEWER");
    const reader = await newAgent(["threads:read", "threads:write"]);
    const thread = await newThread(reader.api, { owner_id: viewer.id });
    expect((await viewer.http(`/threads/${thread.id}/messages`, json("POST", { text: "x" }))).status).toBe(403);
    expect((await reader.http(`/threads/${thread.id}/messages`, json("POST", { text: "x" }))).status).toBe(403);
  });
});

describe("messages: content", () => {
  it("keeps text, blocks and metadata, and returns what it stored", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const body = {
      text: "Q3 report",
      blocks: [
        { type: "header" as const, text: { type: "plain_text" as const, text: "Q3" } },
        { type: "divider" as const },
      ],
      metadata: { report: "q3" },
    };
    const created = await unwrap(ada.api.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body }));
    const got = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}", {
        params: { path: { id: thread.id, message_id: created.id } },
      }),
    );
    expect(got).toEqual(created);
    expect(got).toMatchObject(body);
  });

  it("accepts 40,000 characters of text and refuses 40,001 or blank text", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    expect((await ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "a".repeat(40_000) }))).status).toBe(
      201,
    );
    for (const text of ["a".repeat(40_001), "   "]) {
      const response = await ada.http(`/threads/${thread.id}/messages`, json("POST", { text }));
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.text"]);
    }
  });
});

describe("messages: replies", () => {
  it("counts replies on the parent and lists them", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const parent = await post(ada.api, thread.id, "parent");
    await post(ada.api, thread.id, "reply 1", { parent_id: parent.id });
    await post(ada.api, thread.id, "reply 2", { parent_id: parent.id });
    await post(ada.api, thread.id, "another top-level");
    const path = { id: thread.id };
    const replies = await unwrap(
      ada.api.GET("/threads/{id}/messages", { params: { path, query: { parent_id: parent.id, order: "asc" } } }),
    );
    expect(replies.map((m) => m.text)).toEqual(["reply 1", "reply 2"]);
    const topLevel = await unwrap(
      ada.api.GET("/threads/{id}/messages", { params: { path, query: { top_level: "true", order: "asc" } } }),
    );
    expect(topLevel.map((m) => [m.text, m.reply_count])).toEqual([
      ["parent", 2],
      ["another top-level", 0],
    ]);
  });

  it("refuses a reply to a reply, to a deleted message or to another thread's message", async () => {
    const ada = await newUser();
    const [thread, other] = await Promise.all([newThread(ada.api), newThread(ada.api)]);
    const parent = await post(ada.api, thread.id, "parent");
    const reply = await post(ada.api, thread.id, "reply", { parent_id: parent.id });
    const gone = await post(ada.api, thread.id, "soon deleted");
    await ada.http(`/threads/${thread.id}/messages/${gone.id}`, { method: "DELETE" });
    const elsewhere = await post(ada.api, other.id, "elsewhere");
    for (const parentId of [reply.id, gone.id, elsewhere.id]) {
      const response = await ada.http(
        `/threads/${thread.id}/messages`,
        json("POST", { text: "x", parent_id: parentId }),
      );
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.parent_id"]);
    }
  });
});

describe("messages: attachments", () => {
  it("attaches my files in the order given", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const [a, b] = await Promise.all([newFile(ada.id), newFile(ada.id)]);
    const message = await unwrap(
      ada.api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: { text: "files", file_ids: [b.id, a.id] },
      }),
    );
    expect(message.attachments.map((f) => f.id)).toEqual([b.id, a.id]);
    expect(message.attachments[0]).toEqual({
      id: b.id,
      filename: "report.pdf",
      content_type: "application/pdf",
      size_bytes: 1234,
    });
  });

  it("refuses another user's file, a deleted file and an unknown id, naming each", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const thread = await newThread(ada.api);
    const [mine, bobs, deleted] = await Promise.all([newFile(ada.id), newFile(bob.id), newFile(ada.id, "DELETED")]);
    const response = await ada.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "files", file_ids: [mine.id, bobs.id, deleted.id, "cnosuchfile000000000000"] }),
    );
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual([
      "body.file_ids.1",
      "body.file_ids.2",
      "body.file_ids.3",
    ]);
    expect(await db.message.count({ where: { threadId: thread.id } })).toBe(0);
  });

  it("lets an API key with files:read attach any file, and refuses one without it", async () => {
    const ada = await newUser();
    const reader = await newAgent(["threads:read", "messages:write", "files:read"]);
    const blind = await newAgent(["threads:read", "messages:write"]);
    const thread = await newThread(ada.api);
    const file = await newFile(ada.id);
    const refused = await blind.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "x", file_ids: [file.id] }),
    );
    expect((await problemOf(refused)).errors?.map((e) => e.path)).toEqual(["body.file_ids.0"]);
    const message = await unwrap(
      reader.api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: { text: "here is your file", file_ids: [file.id] },
      }),
    );
    expect(message.attachments.map((f) => f.id)).toEqual([file.id]);
  });

  it("refuses more than 10 files and the same file twice", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const file = await newFile(ada.id);
    const eleven = Array.from({ length: 11 }, () => file.id);
    for (const fileIds of [eleven, [file.id, file.id]]) {
      const response = await ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "x", file_ids: fileIds }));
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.file_ids"]);
    }
  });
});

describe("messages: edit", () => {
  it("edits a message in place, records edited_at and logs message.updated", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const first = await post(ada.api, thread.id, "frist");
    await post(ada.api, thread.id, "second");
    const params = { path: { id: thread.id, message_id: first.id } };
    const edited = await unwrap(
      ada.api.PATCH("/threads/{id}/messages/{message_id}", { params, body: { text: "first" } }),
    );
    expect(edited).toMatchObject({ text: "first", seq: first.seq });
    expect(edited.edited_at).not.toBeNull();
    const list = await unwrap(
      ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id }, query: { order: "asc" } } }),
    );
    expect(list.map((m) => m.text)).toEqual(["first", "second"]);
    const events = await allEvents(ada.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "message.updated", data: snapshotOf(edited) });
  });

  it("lets only the author edit", async () => {
    const ada = await newUser();
    const admin = await newUser("ADMIN");
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const mine = await post(ada.api, thread.id, "mine");
    for (const other of [admin, agent]) {
      const response = await other.http(`/threads/${thread.id}/messages/${mine.id}`, json("PATCH", { text: "theirs" }));
      expect(response.status).toBe(403);
    }
  });

  it("refuses a stale If-Match with 412 and a deleted message with 409", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const message = await post(ada.api, thread.id, "v1");
    const path = `/threads/${thread.id}/messages/${message.id}`;
    const etag = (await ada.http(path)).headers.get("ETag") ?? "";
    expect((await ada.http(path, json("PATCH", { text: "v2" }, { "If-Match": etag }))).status).toBe(200);
    expect((await ada.http(path, json("PATCH", { text: "v3" }, { "If-Match": etag }))).status).toBe(412);
    await ada.http(path, { method: "DELETE" });
    const response = await ada.http(path, json("PATCH", { text: "v4" }));
    expect(response.status).toBe(409);
  });

  it("answers If-None-Match with 304 while the message and its reactions are unchanged", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const message = await post(ada.api, thread.id, "watch me");
    const path = `/threads/${thread.id}/messages/${message.id}`;
    const etag = (await ada.http(path)).headers.get("ETag") ?? "";
    expect((await ada.http(path, { headers: { "If-None-Match": etag } })).status).toBe(304);
    await ada.http(`${path}/reactions/eyes`, { method: "PUT" });
    expect((await ada.http(path, { headers: { "If-None-Match": etag } })).status).toBe(200);
  });
});

describe("messages: delete", () => {
  it("leaves a tombstone that keeps position, author and replies, with the content removed", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const file = await newFile(ada.id);
    const parent = await unwrap(
      ada.api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: { text: "secret", metadata: { k: "v" }, file_ids: [file.id], blocks: [{ type: "divider" }] },
      }),
    );
    const reply = await post(ada.api, thread.id, "reply", { parent_id: parent.id });
    await ada.http(`/threads/${thread.id}/messages/${parent.id}/reactions/tada`, { method: "PUT" });
    expect((await ada.http(`/threads/${thread.id}/messages/${parent.id}`, { method: "DELETE" })).status).toBe(204);

    const tombstone = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}", {
        params: { path: { id: thread.id, message_id: parent.id } },
      }),
    );
    expect(tombstone).toMatchObject({
      seq: parent.seq,
      author: parent.author,
      text: "",
      blocks: [],
      metadata: {},
      attachments: [],
      reactions: [],
      reply_count: 1,
    });
    expect(tombstone.deleted_at).not.toBeNull();
    const thread2 = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(thread2.message_count).toBe(1);
    const replyNow = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}", { params: { path: { id: thread.id, message_id: reply.id } } }),
    );
    expect(replyNow.parent_id).toBe(parent.id);
    const events = await allEvents(ada.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "message.deleted", data: snapshotOf(tombstone) });
  });

  it("is idempotent: deleting again answers 204 and logs nothing", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const message = await post(ada.api, thread.id, "bye");
    const path = `/threads/${thread.id}/messages/${message.id}`;
    expect((await ada.http(path, { method: "DELETE" })).status).toBe(204);
    const before = (await allEvents(ada.api, thread.id)).length;
    expect((await ada.http(path, { method: "DELETE" })).status).toBe(204);
    expect(await allEvents(ada.api, thread.id)).toHaveLength(before);
  });

  it("lets the author, the thread's owner, admins and any agent delete", async () => {
    const owner = await newUser();
    const agent = await newAgent();
    const admin = await newUser("ADMIN");
    const thread = await newThread(owner.api);
    const byAgent = await post(agent.api, thread.id, "agent says");
    const byOwner = await post(owner.api, thread.id, "owner says");
    const another = await post(agent.api, thread.id, "agent again");
    const anotherAgent = await newAgent();
    expect((await owner.http(`/threads/${thread.id}/messages/${byAgent.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await admin.http(`/threads/${thread.id}/messages/${byOwner.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await anotherAgent.http(`/threads/${thread.id}/messages/${another.id}`, { method: "DELETE" })).status).toBe(
      204,
    );
  });
});

describe("messages: text that is not Unicode", () => {
  it("refuses a lone surrogate rather than storing something else than it answers", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const response = await ada.http(`/threads/${thread.id}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"text":"broken \\ud800 pair","metadata":{"k\\udc00":"v"}}',
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path).sort()).toEqual([
      "body.metadata.k\udc00",
      "body.text",
    ]);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import type { ReadState } from "../../src/wire/read-state";
import {
  addAgent,
  json,
  newAgent,
  newMemberAgent,
  newThread,
  newUser,
  post,
  problemOf,
} from "../support/conversations";
import { readEventStream } from "../support/event-stream";

// Read marks (PUT/GET /threads/{id}/read) and the unread counts threads carry for their reader.
type Reader = Pick<Awaited<ReturnType<typeof newUser>>, "http">;

const mark = async (who: Reader, threadId: string, body: { seq?: number; message_id?: string }) => {
  const response = await who.http(`/threads/${threadId}/read`, json("PUT", body));
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ data: ReadState }>()).data;
};

const stateOf = async (who: Reader, threadId: string) => {
  const response = await who.http(`/threads/${threadId}/read`);
  expect(response.status).toBe(200);
  return (await response.json<{ data: ReadState }>()).data;
};

/** The thread as the reader gets it: its unread count and read mark. */
const seenBy = async (who: Reader, threadId: string) => {
  const response = await who.http(`/threads/${threadId}`);
  expect(response.status).toBe(200);
  const { data } = await response.json<{ data: { unread_count: number; last_read_seq: number } }>();
  return { unread: data.unread_count, mark: data.last_read_seq, etag: response.headers.get("ETag") };
};

const remove = async (who: Reader, threadId: string, messageId: string) =>
  expect((await who.http(`/threads/${threadId}/messages/${messageId}`, { method: "DELETE" })).status).toBe(204);

describe("unread counts", () => {
  it("start read up to a thread's own first messages for its creator; others' messages count, one's own never", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api, { messages: [{ text: "one" }, { text: "two" }] });
    expect(thread).toMatchObject({ unread_count: 0, last_read_seq: 3 });
    expect(await stateOf(ada, thread.id)).toMatchObject({ last_read_seq: 3, unread_count: 0 });

    const first = await post(agent.api, thread.id, "an answer");
    await post(agent.api, thread.id, "a reply to it", { parent_id: first.id });
    const mine = await post(ada.api, thread.id, "mine");
    expect((await seenBy(ada, thread.id)).unread).toBe(2);

    // An edit changes nothing; deleting one of the agent's messages takes it off; deleting mine changes nothing.
    const edited = await agent.http(`/threads/${thread.id}/messages/${first.id}`, json("PATCH", { text: "edited" }));
    expect(edited.status).toBe(200);
    expect((await seenBy(ada, thread.id)).unread).toBe(2);
    await remove(agent, thread.id, first.id);
    expect((await seenBy(ada, thread.id)).unread).toBe(1);
    await remove(ada, thread.id, mine.id);
    expect((await seenBy(ada, thread.id)).unread).toBe(1);

    // The agent has read nothing: Ada's live messages are its unread ones (the deleted one not counted).
    expect(await stateOf(agent, thread.id)).toMatchObject({ last_read_seq: 0, unread_count: 2, updated_at: null });
  });

  it("count everything for a reader who neither read nor wrote: a thread an agent made for its owner", async () => {
    const ada = await newUser();
    const agent = await newAgent(["threads:read", "threads:write", "messages:write"]);
    const made = await agent.http(
      "/threads",
      json("POST", { title: "For Ada", owner_id: ada.id, messages: [{ text: "Hello Ada" }, { text: "Here is Q3" }] }),
    );
    expect(made.status).toBe(201);
    const { data: thread } = await made.json<{ data: { id: string; unread_count: number } }>();
    expect(thread.unread_count).toBe(0);
    expect(await seenBy(ada, thread.id)).toMatchObject({ unread: 2, mark: 0 });
    const listed = await unwrap(ada.api.GET("/threads", { params: { query: { unread: "true" } } }));
    expect(listed.map((row) => [row.id, row.unread_count])).toEqual([[thread.id, 2]]);
  });

  it("list only threads with something unread with ?unread=true, each with the same counts as GET", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const quiet = await newThread(ada.api, { title: "quiet" });
    const busy = await newThread(ada.api, { title: "busy" });
    const read = await newThread(ada.api, { title: "read" });
    await post(agent.api, busy.id, "news");
    await post(agent.api, busy.id, "more news");
    const last = await post(agent.api, read.id, "seen");
    await mark(ada, read.id, { message_id: last.id });

    const all = await unwrap(ada.api.GET("/threads"));
    expect(all.map((row) => [row.title, row.unread_count])).toEqual([
      ["read", 0],
      ["busy", 2],
      ["quiet", 0],
    ]);
    const unread = await unwrap(ada.api.GET("/threads", { params: { query: { unread: "true" } } }));
    expect(unread.map((row) => row.id)).toEqual([busy.id]);
    expect(unread[0]).toMatchObject(await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: busy.id } } })));
    expect(quiet.unread_count).toBe(0);
  });
});

describe("the migration's backfill (0014_read_state.sql)", () => {
  it("gives readers who wrote before read state existed the counts the live counters keep", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const gone = await post(agent.api, thread.id, "one");
    await post(agent.api, thread.id, "two");
    await post(ada.api, thread.id, "mine");
    await remove(agent, thread.id, gone.id);
    const live = { ada: await stateOf(ada, thread.id), agent: await stateOf(agent, thread.id) };
    expect([live.ada.unread_count, live.agent.unread_count]).toEqual([1, 1]);

    // As it ran on deploy: no marks yet, then its last statement.
    const migration = env.TEST_MIGRATIONS.find((candidate) => candidate.name.startsWith("0014_"));
    const backfill = migration?.queries.at(-1) ?? "";
    expect(backfill).toMatch(/^-- Added by hand[\s\S]*INSERT INTO "thread_reads"/);
    await env.DB.prepare("DELETE FROM thread_reads").run();
    await env.DB.prepare(backfill).run();
    expect(await stateOf(ada, thread.id)).toMatchObject({ last_read_seq: 0, unread_count: 1, updated_at: null });
    expect(await stateOf(agent, thread.id)).toMatchObject({ last_read_seq: 0, unread_count: 1, updated_at: null });
  });
});

describe("search hits", () => {
  it("carry their thread's unread count for the one searching", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api, { messages: [{ text: "quarterly zebra figures" }] });
    await post(agent.api, thread.id, "zebra numbers are in");
    const hitsFor = async (who: Reader) => {
      const response = await who.http("/search/messages?q=zebra");
      expect(response.status).toBe(200);
      const { data } = await response.json<{ data: { thread_id: string; thread_unread_count: number }[] }>();
      return data.filter((hit) => hit.thread_id === thread.id).map((hit) => hit.thread_unread_count);
    };
    expect(await hitsFor(ada)).toEqual([1, 1]);
    // The agent wrote one of the two messages: the other is unread for it.
    expect(await hitsFor(agent)).toEqual([1, 1]);
    await mark(ada, thread.id, { seq: 1_000 });
    expect(await hitsFor(ada)).toEqual([0, 0]);
    expect(await hitsFor(agent)).toEqual([1, 1]);
  });
});

describe("unread totals (GET /me/unread)", () => {
  it("sum the unread counts of every thread the caller reaches: a user's own, a member key's", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const member = await newMemberAgent();
    const [one, two, seen] = [await newThread(ada.api), await newThread(ada.api), await newThread(ada.api)];
    await post(agent.api, one.id, "a");
    await post(agent.api, one.id, "b");
    await post(agent.api, two.id, "c");
    const last = await post(agent.api, seen.id, "d");
    await mark(ada, seen.id, { seq: last.seq });
    await addAgent(ada.api, two.id, member.id);

    const totals = async (who: Reader) => {
      const response = await who.http("/me/unread");
      expect(response.status).toBe(200);
      return (await response.json<{ data: { threads: number; messages: number } }>()).data;
    };
    expect(await totals(ada)).toEqual({ threads: 2, messages: 3, mentions: 0 });
    // The member key reaches one thread, where everything is unread for it.
    expect(await totals(member)).toEqual({ threads: 1, messages: 1, mentions: 0 });
    expect(await totals(await newUser())).toEqual({ threads: 0, messages: 0, mentions: 0 });
  });
});

describe("read marks", () => {
  it("move forward only: an older seq leaves the mark, a seq past the end stops at the end, message_id works", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const messages = [];
    for (const text of ["a", "b", "c", "d"]) messages.push(await post(agent.api, thread.id, text));
    const [a, b, c] = messages;
    if (!a || !b || !c) throw new Error("no messages");

    expect(await mark(ada, thread.id, { message_id: b.id })).toMatchObject({ last_read_seq: b.seq, unread_count: 2 });
    expect(await mark(ada, thread.id, { seq: a.seq })).toMatchObject({ last_read_seq: b.seq, unread_count: 2 });
    expect(await mark(ada, thread.id, { seq: c.seq })).toMatchObject({ last_read_seq: c.seq, unread_count: 1 });
    const end = await mark(ada, thread.id, { seq: 1_000_000 });
    expect(end).toMatchObject({ last_read_seq: (await seenBy(ada, thread.id)).mark, unread_count: 0 });
    expect(end.last_read_seq).toBe(messages.at(-1)?.seq);
    expect(await stateOf(ada, thread.id)).toEqual(end);
  });

  it("end at the furthest mark when two devices mark at once, whatever order they land in", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const seqs: number[] = [];
    for (let i = 0; i < 8; i += 1) seqs.push((await post(agent.api, thread.id, `m${i}`)).seq);
    const shuffled = [...seqs].reverse().flatMap((seq) => [seq, seq]);
    await Promise.all(shuffled.map((seq) => mark(ada, thread.id, { seq })));
    expect(await stateOf(ada, thread.id)).toMatchObject({ last_read_seq: Math.max(...seqs), unread_count: 0 });

    // Each move is one thread.read on Ada's stream, and the marks it carries only grow.
    const events = await unwrap(ada.api.GET("/events", { params: { query: { after: 0 } } }));
    const marks = events.filter((row) => row.event.type === "thread.read").map((row) => row.event.seq);
    expect(marks.length).toBeGreaterThanOrEqual(1);
    expect(marks).toEqual([...new Set(marks)].sort((x, y) => x - y));
    expect(marks.at(-1)).toBe(Math.max(...seqs));
  });

  it("reach the reader's own user stream only, live, as thread.read with the read state", async () => {
    const ada = await newUser();
    const admin = await newUser("ADMIN");
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await post(agent.api, thread.id, "news");
    const response = await ada.http("/events?after=0", { headers: { Accept: "text/event-stream" } });
    expect(response.status).toBe(200);
    const stream = readEventStream(response, "UserStreamFrame");
    await stream.take(2); // the thread's creation and the agent's message

    // Someone else's mark in Ada's thread: not on her stream.
    await mark(admin, thread.id, { seq: message.seq });
    const state = await mark(ada, thread.id, { seq: message.seq });
    const [frame] = await stream.take(1);
    expect(frame).toMatchObject({
      event: "thread.read",
      data: { event: { type: "thread.read", seq: message.seq, thread_id: thread.id, data: state } },
    });
    await stream.close();
    // Marking the same again moves nothing, and adds nothing to her stream.
    await mark(ada, thread.id, { seq: message.seq });
    const after = await unwrap(ada.api.GET("/events", { params: { query: { after: 0 } } }));
    expect(after.map((row) => row.event.type)).toEqual(["thread.created", "message.created", "thread.read"]);
    const adminEvents = await unwrap(admin.api.GET("/events", { params: { query: { after: 0 } } }));
    expect(adminEvents.map((row) => [row.event.type, row.event.thread_id])).toEqual([["thread.read", thread.id]]);
  });

  it("are kept per reader, API keys too: a member agent's mark is its own", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const thread = await newThread(ada.api, { messages: [{ text: "for the agent" }] });
    await addAgent(ada.api, thread.id, agent.id);
    expect(await stateOf(agent, thread.id)).toMatchObject({ last_read_seq: 0, unread_count: 1 });
    expect(await mark(agent, thread.id, { seq: 2 })).toMatchObject({ last_read_seq: 2, unread_count: 0 });
    expect(await stateOf(ada, thread.id)).toMatchObject({ last_read_seq: 2, unread_count: 0 });
    await post(ada.api, thread.id, "and one more");
    expect(await stateOf(agent, thread.id)).toMatchObject({ unread_count: 1 });
  });

  it("change the thread's ETag for its reader, so a cached thread is not served stale; If-Match still works", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await post(agent.api, thread.id, "news");
    const before = await seenBy(ada, thread.id);
    await mark(ada, thread.id, { seq: message.seq });
    const cached = await ada.http(`/threads/${thread.id}`, { headers: { "If-None-Match": before.etag ?? "" } });
    expect(cached.status).toBe(200);
    const after = await seenBy(ada, thread.id);
    expect(after.unread).toBe(0);
    const unchanged = await ada.http(`/threads/${thread.id}`, { headers: { "If-None-Match": after.etag ?? "" } });
    expect(unchanged.status).toBe(304);
    const renamed = await ada.http(
      `/threads/${thread.id}`,
      json("PATCH", { title: "Renamed" }, { "If-Match": after.etag ?? "" }),
    );
    expect(renamed.status).toBe(200);
  });

  it("go with a deleted user, in other people's threads too, and with a revoked key", async () => {
    const ada = await newUser();
    const grace = await newUser("ADMIN");
    const root = await newUser("ADMIN");
    const thread = await newThread(ada.api, { messages: [{ text: "hi" }] });
    await mark(grace, thread.id, { seq: 2 });
    const marksOf = async (id: string) =>
      (
        await env.DB.prepare("SELECT COUNT(*) AS n FROM thread_reads WHERE reader_id = ?")
          .bind(id)
          .first<{ n: number }>()
      )?.n;
    expect(await marksOf(grace.id)).toBe(1);
    const deleted = await root.http(`/users/${grace.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await marksOf(grace.id)).toBe(0);
    expect(await marksOf(ada.id)).toBe(1);

    // A revoked key's marks go too: it reads nothing more.
    const agent = await newAgent();
    await mark(agent, thread.id, { seq: 2 });
    expect(await marksOf(agent.id)).toBe(1);
    expect((await root.http(`/api-keys/${agent.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await marksOf(agent.id)).toBe(0);
  });

  it("refuse a body with neither or both of seq and message_id, or a message of another thread (400)", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "here" }] });
    const other = await newThread(ada.api, { messages: [{ text: "elsewhere" }] });
    const [elsewhere] = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: other.id } } }));
    for (const body of [{}, { seq: 1, message_id: elsewhere?.id }]) {
      const refused = await ada.http(`/threads/${thread.id}/read`, json("PUT", body));
      expect(refused.status).toBe(400);
    }
    const foreign = await ada.http(`/threads/${thread.id}/read`, json("PUT", { message_id: elsewhere?.id }));
    expect(foreign.status).toBe(400);
    expect((await problemOf(foreign)).errors?.map((error) => error.path)).toEqual(["body.message_id"]);
  });
});

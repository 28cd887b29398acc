import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { unwrap } from "../../sdk/src";
import { keyringFor } from "../../src/auth/signing-keys";
import { anonymousHttp } from "../support/api";
import { allEvents, json, newAgent, newThread, newUser, post, problemOf } from "../support/conversations";
import { connectSocket, readEventStream } from "../support/event-stream";

// test/vitest.config.ts sets STREAM_HEARTBEAT_SECONDS=1, STREAM_MAX_PER_HOLDER=3, STREAM_MAX_PER_THREAD=5.
type User = Awaited<ReturnType<typeof newUser>>;
const SSE = { Accept: "text/event-stream" };

const open = async (user: Pick<User, "http">, threadId: string, query = "", headers: Record<string, string> = {}) => {
  const response = await user.http(`/threads/${threadId}/events${query}`, { headers: { ...SSE, ...headers } });
  expect(response.status, response.status === 200 ? "" : await response.clone().text()).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
  return readEventStream(response);
};

const streamToken = async (user: User, threadId: string) =>
  unwrap(user.api.POST("/stream-tokens", { body: { thread_id: threadId } }));

const seqs = (frames: { id?: string }[]) => frames.map((frame) => Number(frame.id));

describe("live thread stream", () => {
  it("sends the log so far, then new events as they are written, with the JSON feed's ids and payloads", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "first" }] });
    const stream = await open(ada, thread.id);
    const history = await stream.take(2);
    expect(stream.retry).toBe(3000);
    expect(history.map((f) => [f.id, f.event])).toEqual([
      ["1", "thread.created"],
      ["2", "message.created"],
    ]);

    await post(ada.api, thread.id, "second");
    await post(ada.api, thread.id, "third");
    const live = await stream.take(2);
    expect(live.map((f) => [f.id, f.event, (f.data.data as { text: string }).text])).toEqual([
      ["3", "message.created", "second"],
      ["4", "message.created", "third"],
    ]);
    expect([...history, ...live].map((f) => f.data)).toEqual(await allEvents(ada.api, thread.id));
    await stream.close();
  });

  it("resumes after Last-Event-ID with exactly the events missed, none twice", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const first = await open(ada, thread.id);
    await post(ada.api, thread.id, "seen");
    const seen = await first.take(2);
    await first.close();
    for (const text of ["missed 1", "missed 2", "missed 3"]) await post(ada.api, thread.id, text);

    const resumed = await open(ada, thread.id, "?after=0", { "Last-Event-ID": seen.at(-1)?.id ?? "" });
    expect(seqs(await resumed.take(3))).toEqual([3, 4, 5]);
    await post(ada.api, thread.id, "live");
    expect(seqs(await resumed.take(1))).toEqual([6]);
    expect(await resumed.idle(300)).toEqual([]);
    await resumed.close();
  });

  it("starts after `after` when no Last-Event-ID is sent", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "a" }, { text: "b" }] });
    const stream = await open(ada, thread.id, "?after=2");
    expect(seqs(await stream.take(1))).toEqual([3]);
    await stream.close();
  });

  it("keeps every watcher in order and complete while others join and posts arrive", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const early = await open(ada, thread.id);
    const posts = Array.from({ length: 20 }, (_, i) => post(agent.api, thread.id, `burst ${i}`));
    const late = await open(agent, thread.id);
    await Promise.all(posts);
    expect(seqs(await early.take(21))).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(seqs(await late.take(21))).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(await late.idle(300)).toEqual([]);
    await Promise.all([early.close(), late.close()]);
  });

  it("ends the stream of a watcher that stops reading once 1 MiB waits for it, freeing its place", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    // Never read: what the hub sends it piles up.
    const stalled = await ada.http(`/threads/${thread.id}/events`, { headers: SSE });
    expect(stalled.status).toBe(200);
    const reading = await Promise.all([open(ada, thread.id), open(ada, thread.id)]);
    expect((await ada.http(`/threads/${thread.id}/events`, { headers: SSE })).status).toBe(429);
    // About 2 MB of events: the readers get every one, and the stalled stream is let go.
    const long = "x".repeat(39_990);
    // The two readers read all along, as live clients do.
    const taking = reading.map((stream) => stream.take(51, 60_000));
    for (let i = 0; i < 50; i++) await post(agent.api, thread.id, `${i} ${long}`);
    for (const taken of await Promise.all(taking)) {
      expect(seqs(taken)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    }
    const replacement = await ada.http(`/threads/${thread.id}/events`, { headers: SSE });
    expect(replacement.status).toBe(200);
    // Reading again, the stalled client finds its stream ended after what was queued, short of the
    // newest events: it reconnects with the last id it has, and misses nothing.
    const rest = readEventStream(stalled);
    expect(await rest.end()).toBe(true);
    const got = seqs(rest.frames);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
    expect(got.length).toBeLessThan(51);
    const resumed = await open(ada, thread.id, "", { "Last-Event-ID": String(got.at(-1)) });
    expect(seqs(await resumed.take(51 - got.length))).toEqual(
      Array.from({ length: 51 - got.length }, (_, i) => got.length + i + 1),
    );
    await Promise.all([...reading.map((stream) => stream.close()), replacement.body?.cancel(), resumed.close()]);
  });

  it("sends heartbeat comments", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const stream = await open(ada, thread.id);
    expect(await stream.heartbeat(5_000)).toBe(true);
    await stream.close();
  });

  it("delivers a change whose notification never came, by the next heartbeat", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const stream = await open(ada, thread.id);
    await stream.take(1);
    // An event written straight to D1, as if the write's poke of the hub had been lost.
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO thread_events (thread_id, seq, type, actor_type, actor_id, payload, created_at)
         SELECT id, last_seq + 1, 'thread.updated', 'user', owner_id, ?, created_at FROM threads WHERE id = ?`,
      ).bind(JSON.stringify({ ...thread, title: "Renamed quietly", last_event_seq: 2 }), thread.id),
      env.DB.prepare("UPDATE threads SET last_seq = last_seq + 1 WHERE id = ?").bind(thread.id),
    ]);
    const [event] = await stream.take(1, 5_000);
    expect(event).toMatchObject({ id: "2", event: "thread.updated" });
    await stream.close();
  });

  it("ends with a reset event when the client is behind what the log keeps", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "a" }, { text: "b" }, { text: "c" }] });
    await env.DB.prepare("DELETE FROM thread_events WHERE thread_id = ? AND seq <= 2").bind(thread.id).run();
    const stream = await open(ada, thread.id, "?after=1");
    expect(await stream.take(1)).toEqual([{ event: "reset", data: { reason: "behind" } }]);
    expect(await stream.end()).toBe(true);
  });

  it("ends with a reset event when the thread is deleted", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const stream = await open(ada, thread.id);
    await stream.take(1);
    await unwrap(ada.api.DELETE("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(await stream.take(1)).toEqual([{ event: "reset", data: { reason: "thread_deleted" } }]);
    expect(await stream.end()).toBe(true);
  });

  it("keeps other users' threads hidden: 404, and nothing streamed", async () => {
    const [ada, bob] = [await newUser(), await newUser()];
    const thread = await newThread(ada.api);
    const response = await bob.http(`/threads/${thread.id}/events`, { headers: SSE });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).type).toContain("not-found");
  });

  it("refuses a malformed Last-Event-ID", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const response = await ada.http(`/threads/${thread.id}/events`, {
      headers: { ...SSE, "Last-Event-ID": "seven" },
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.[0]?.path).toBe("header.last-event-id");
  });

  it("answers 429 too-many-streams past the limit per user or key on a thread, and per thread", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const mine = await Promise.all([1, 2, 3].map(() => open(ada, thread.id)));
    const refused = await ada.http(`/threads/${thread.id}/events`, { headers: SSE });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("15");
    const problem = await problemOf(refused);
    expect(problem.type).toContain("too-many-streams");
    expect(problem.detail).toContain("STREAM_MAX_PER_HOLDER");

    const agents = await Promise.all([newAgent(), newAgent(), newAgent()]);
    const theirs = await Promise.all(agents.slice(0, 2).map((agent) => open(agent, thread.id)));
    const full = await agents[2]?.http(`/threads/${thread.id}/events`, { headers: SSE });
    expect(full?.status).toBe(429);
    expect((await problemOf(full as Response)).detail).toContain("STREAM_MAX_PER_THREAD");

    // A stream closed frees its place.
    await mine[0]?.close();
    await expect.poll(async () => (await open(ada, thread.id)).close().then(() => true), { timeout: 5_000 }).toBe(true);
    await Promise.all([...mine, ...theirs].map((stream) => stream.close()));
  });
});

describe("stream tokens", () => {
  it("open the thread's stream without an Authorization header", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const { token, url, expires_at } = await streamToken(ada, thread.id);
    expect(url).toBe(`/threads/${thread.id}/events?token=${encodeURIComponent(token)}`);
    expect(new Date(expires_at).getTime() - Date.now()).toBeGreaterThan(290_000);
    const response = await anonymousHttp(url, { headers: SSE });
    expect(response.status).toBe(200);
    const stream = readEventStream(response);
    expect(seqs(await stream.take(1))).toEqual([1]);
    await stream.close();
  });

  it("open no other stream, not the JSON feed, and are no access token", async () => {
    const ada = await newUser();
    const [thread, other] = [await newThread(ada.api), await newThread(ada.api)];
    const { token } = await streamToken(ada, thread.id);
    const elsewhere = await anonymousHttp(`/threads/${other.id}/events?token=${token}`, { headers: SSE });
    expect(elsewhere.status).toBe(401);
    expect((await problemOf(elsewhere)).detail).toBe("This stream token is for another stream.");
    const feed = await anonymousHttp(`/threads/${thread.id}/events?token=${token}`);
    expect(feed.status).toBe(401);
    const asBearer = await anonymousHttp(`/threads/${thread.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
  });

  it("are refused once expired, or once the session they came from is signed out", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const { signing } = await keyringFor(env.JWT_SIGNING_KEYS);
    const me = await unwrap(ada.api.GET("/me"));
    const expired = await new SignJWT({ pk: "user", stream: `thread:${thread.id}`, sid: "any" })
      .setProtectedHeader({ alg: "ES256", kid: signing.kid, typ: "stream+jwt" })
      .setSubject(me.id)
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(signing.key);
    const late = await anonymousHttp(`/threads/${thread.id}/events?token=${expired}`, { headers: SSE });
    expect(late.status).toBe(401);
    expect((await problemOf(late)).detail).toBe("The stream token has expired; ask for a new one.");

    const { url } = await streamToken(ada, thread.id);
    expect((await ada.http("/auth/logout", { method: "POST" })).status).toBe(204);
    const signedOut = await anonymousHttp(url, { headers: SSE });
    expect(signedOut.status).toBe(401);
  });

  it("are issued only for threads the caller may read, to keys with threads:read", async () => {
    const [ada, bob] = [await newUser(), await newUser()];
    const thread = await newThread(ada.api);
    const foreign = await bob.http("/stream-tokens", json("POST", { thread_id: thread.id }));
    expect(foreign.status).toBe(404);
    const missing = await bob.http("/stream-tokens", json("POST", {}));
    expect(missing.status).toBe(400);
    expect((await problemOf(missing)).errors?.[0]?.path).toBe("body.thread_id");
    const agent = await newAgent(["threads:read"]);
    const issued = await agent.http("/stream-tokens", json("POST", { thread_id: thread.id }));
    expect(issued.status).toBe(200);
    const { data } = await issued.json<{ data: { url: string } }>();
    const stream = readEventStream(await anonymousHttp(data.url, { headers: SSE }));
    expect(seqs(await stream.take(1))).toEqual([1]);
    await stream.close();
  });
});

describe("activity statuses", () => {
  const setStatus = (user: Pick<User, "http">, threadId: string, body: unknown) =>
    user.http(`/threads/${threadId}/activity`, json("PUT", body));

  it("shows a status to watchers at once, lists it, and shows it cleared", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const stream = await open(ada, thread.id);
    await stream.take(1);
    const set = await setStatus(agent, thread.id, { text: "searching files…" });
    expect(set.status).toBe(200);
    const [shown] = await stream.take(1);
    expect(shown).toMatchObject({
      event: "activity",
      data: { thread_id: thread.id, actor: { type: "api_key", id: agent.id }, text: "searching files…" },
    });
    expect(shown?.id).toBeUndefined();
    expect(new Date(String(shown?.data.expires_at)).getTime() - Date.now()).toBeGreaterThan(25_000);
    const listed = await unwrap(ada.api.GET("/threads/{id}/activity", { params: { path: { id: thread.id } } }));
    expect(listed.map((status) => status.text)).toEqual(["searching files…"]);

    expect((await agent.http(`/threads/${thread.id}/activity`, { method: "DELETE" })).status).toBe(204);
    expect(await stream.take(1)).toEqual([
      {
        event: "activity",
        data: { thread_id: thread.id, actor: { type: "api_key", id: agent.id }, text: null, expires_at: null },
      },
    ]);
    expect(await unwrap(ada.api.GET("/threads/{id}/activity", { params: { path: { id: thread.id } } }))).toEqual([]);
    // Activity statuses are not events: the log has only the thread's creation.
    expect((await allEvents(ada.api, thread.id)).map((event) => event.type)).toEqual(["thread.created"]);
    await stream.close();
  });

  it("clears a status by itself when it expires, and shows live ones to a watcher who joins later", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await setStatus(ada, thread.id, { text: "thinking…", expires_in: 1 });
    const stream = await open(ada, thread.id);
    // The live status and the log's first event, in whichever order they come.
    const joined = await stream.take(2);
    expect(joined.map((frame) => frame.event).sort()).toEqual(["activity", "thread.created"]);
    expect(joined.find((frame) => frame.event === "activity")).toMatchObject({ data: { text: "thinking…" } });
    expect(await stream.take(1, 5_000)).toMatchObject([{ event: "activity", data: { text: null } }]);
    await stream.close();
  });

  it("refuses a blank or overlong status, a bad expiry, an archived thread and another user's thread", async () => {
    const [ada, bob] = [await newUser(), await newUser()];
    const thread = await newThread(ada.api);
    for (const body of [
      { text: "  " },
      { text: "x".repeat(101) },
      { text: "ok", expires_in: 0 },
      { text: "ok", expires_in: 121 },
    ]) {
      expect((await setStatus(ada, thread.id, body)).status).toBe(400);
    }
    expect((await setStatus(bob, thread.id, { text: "hi" })).status).toBe(404);
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }));
    const archived = await setStatus(ada, thread.id, { text: "hi" });
    expect(archived.status).toBe(409);
    expect((await problemOf(archived)).type).toContain("thread-archived");
  });
});

describe("the WebSocket stream", () => {
  /** A WebSocket on the thread's events, its JSON frames checked against the spec. */
  const connect = (user: Pick<User, "http">, threadId: string, query = "") =>
    connectSocket(user.http, `/threads/${threadId}/events${query}`);

  it("sends the same frames as the event stream, and resumes after ?after", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "first" }] });
    const socket = await connect(ada, thread.id);
    await socket.until("the log so far", () => socket.frames.length === 2);
    await post(ada.api, thread.id, "second");
    await socket.until("the live event", () => socket.frames.length === 3);
    const sse = await open(ada, thread.id);
    expect(socket.frames).toEqual(await sse.take(3));
    await sse.close();
    socket.ws.close(1000, "done");

    await post(ada.api, thread.id, "missed");
    const resumed = await connect(ada, thread.id, "?after=3");
    await resumed.until("the missed event", () => resumed.frames.length === 1);
    expect(resumed.frames.map((frame) => [frame.id, (frame.data.data as { text: string }).text])).toEqual([
      ["4", "missed"],
    ]);
    resumed.ws.close(1000, "done");
  });

  it("answers ping with pong", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const socket = await connect(ada, thread.id);
    socket.ws.send("ping");
    await socket.until("a pong", () => socket.pongs() === 1);
    socket.ws.close(1000, "done");
  });

  it("ends with a reset frame and close code 4000 when the thread is deleted", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const socket = await connect(ada, thread.id);
    await socket.until("thread.created", () => socket.frames.length === 1);
    await unwrap(ada.api.DELETE("/threads/{id}", { params: { path: { id: thread.id } } }));
    await socket.until("the close", () => socket.closed() !== undefined);
    expect(socket.frames.at(-1)).toEqual({ event: "reset", data: { reason: "thread_deleted" } });
    expect(socket.closed()?.code).toBe(4000);
  });

  it("counts towards the same limits as event streams", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const sockets = await Promise.all([1, 2, 3].map(() => connect(ada, thread.id)));
    const refused = await ada.http(`/threads/${thread.id}/events`, { headers: SSE });
    expect(refused.status).toBe(429);
    const refusedSocket = await ada.http(`/threads/${thread.id}/events`, { headers: { Upgrade: "websocket" } });
    expect(refusedSocket.status).toBe(429);
    for (const socket of sockets) socket.ws.close(1000, "done");
  });

  it("opens with a stream token, as a browser's WebSocket must", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const { url } = await streamToken(ada, thread.id);
    const response = await anonymousHttp(url, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(101);
    response.webSocket?.accept();
    response.webSocket?.close(1000, "done");
  });
});

describe("a thread hub restarting while clients stream", () => {
  const hubOf = (threadId: string) => env.THREAD_HUB.get(env.THREAD_HUB.idFromName(threadId));

  it("keeps WebSocket watchers (hibernated, not closed): the woken hub goes on from each socket's place", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const socket = await connectSocket(ada.http, `/threads/${thread.id}/events`);
    await socket.until("thread.created", () => socket.frames.length === 1);
    await evictDurableObject(hubOf(thread.id));
    await post(ada.api, thread.id, "after the restart");
    await post(ada.api, thread.id, "and another");
    await socket.until("the events after it", () => socket.frames.length === 3);
    expect(seqs(socket.frames)).toEqual([1, 2, 3]);
    socket.ws.close(1000, "done");
  });

  it("serves event streams cut by the restart from a fresh instance, after Last-Event-ID, with no gap", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const stream = await open(ada, thread.id);
    const [first] = await stream.take(1);
    // A restart drops the connection (the test tool evicts only an object with nothing in flight).
    await stream.close();
    await evictDurableObject(hubOf(thread.id));
    await post(ada.api, thread.id, "while away 1");
    await post(ada.api, thread.id, "while away 2");
    const resumed = await open(ada, thread.id, "", { "Last-Event-ID": first?.id ?? "" });
    expect(seqs(await resumed.take(2))).toEqual([2, 3]);
    await post(ada.api, thread.id, "live again");
    expect(seqs(await resumed.take(1))).toEqual([4]);
    expect(await resumed.idle(300)).toEqual([]);
    await resumed.close();
  });
});

describe("stream logs", () => {
  it("say when a stream opened and ended, with the request id of the request that opened it", async () => {
    const lines: Record<string, unknown>[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line));
    });
    try {
      const ada = await newUser();
      const thread = await newThread(ada.api);
      const stream = await open(ada, thread.id, "", { "X-Request-Id": "stream-log-test-1" });
      await stream.take(1);
      await stream.close();
      const deadline = Date.now() + 5_000;
      const mine = () => lines.filter((line) => line.request_id === "stream-log-test-1");
      while (!mine().some((line) => line.message === "stream ended") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The request's own access line (written as its response starts) and the hub's two.
      expect(mine().map((line) => [line.message, line.hub, line.log_id, line.transport])).toEqual(
        expect.arrayContaining([
          ["request", undefined, undefined, undefined],
          ["stream opened", "ThreadHub", thread.id, "sse"],
          ["stream ended", "ThreadHub", thread.id, "sse"],
        ]),
      );
      expect(mine()).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { anonymousHttp } from "../support/api";
import { json, newAgent, newThread, newUser, post, problemOf } from "../support/conversations";
import { connectSocket, type Frame, readEventStream } from "../support/event-stream";

// test/vitest.config.ts sets STREAM_HEARTBEAT_SECONDS=1 and STREAM_MAX_PER_HOLDER=3.
type User = Awaited<ReturnType<typeof newUser>>;
const SSE = { Accept: "text/event-stream" };

const open = async (who: Pick<User, "http">, query = "", headers: Record<string, string> = {}) => {
  const response = await who.http(`/events${query}`, { headers: { ...SSE, ...headers } });
  expect(response.status, response.status === 200 ? "" : await response.clone().text()).toBe(200);
  return readEventStream(response, "UserStreamFrame");
};

const feed = (user: User, after = 0) => unwrap(user.api.GET("/events", { params: { query: { after } } }));

/** What a frame of the user stream says: its id, and the thread event's type and thread. */
const summary = (frame: Frame) => {
  const data = frame.data as { seq: number; event: { type: string; thread_id: string; seq: number } };
  return [frame.id, frame.event, data.event.type, data.event.thread_id];
};

describe("the user stream", () => {
  it("follows my threads live: one created, a message in any of them, one archived — numbered per user", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const stream = await open(ada);
    const first = await newThread(ada.api, { messages: [{ text: "not on the stream: part of the creation" }] });
    const second = await newThread(ada.api);
    await post(agent.api, first.id, "an agent answers");
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: second.id } }, body: { status: "ARCHIVED" } }));
    // Not mine: never on my stream.
    const bob = await newUser();
    await newThread(bob.api);

    const frames = await stream.take(4);
    expect(frames.map(summary)).toEqual([
      ["1", "thread.created", "thread.created", first.id],
      ["2", "thread.created", "thread.created", second.id],
      ["3", "message.created", "message.created", first.id],
      ["4", "thread.updated", "thread.updated", second.id],
    ]);
    const message = frames[2]?.data as { event: { seq: number; data: { text: string } } };
    expect(message.event).toMatchObject({ seq: 3, data: { text: "an agent answers" } });
    expect(await stream.idle(300)).toEqual([]);
    // The JSON feed has the same events.
    expect((await feed(ada)).map((event) => event.event)).toEqual(
      frames.map((frame) => (frame.data as { event: unknown }).event),
    );
    await stream.close();
  });

  it("resumes after Last-Event-ID with exactly what was missed, and pages the JSON feed with after", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const stream = await open(ada);
    await stream.take(0);
    await stream.close();
    for (const text of ["one", "two", "three"]) await post(ada.api, thread.id, text);
    const resumed = await open(ada, "", { "Last-Event-ID": "2" });
    expect((await resumed.take(2)).map((frame) => frame.id)).toEqual(["3", "4"]);
    expect(await resumed.idle(300)).toEqual([]);
    await resumed.close();
    expect((await feed(ada, 3)).map((event) => event.seq)).toEqual([4]);
  });

  it("sends a reset, and the JSON feed a 410, when the events asked for have expired", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "soon expired");
    await env.DB.prepare("DELETE FROM user_events WHERE user_id = ? AND seq = 1").bind(ada.id).run();
    const stream = await open(ada);
    expect(await stream.take(1)).toEqual([{ event: "reset", data: { reason: "behind" } }]);
    expect(await stream.end()).toBe(true);
    const truncated = await ada.http("/events?after=0");
    expect(truncated.status).toBe(410);
    expect((await problemOf(truncated)).type).toMatch(/event-log-truncated$/);
    expect((await feed(ada, 1)).map((event) => event.seq)).toEqual([2]);
  });

  it("opens with a stream token for my user stream only, and refuses API keys and strangers", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const { url, token } = await unwrap(ada.api.POST("/stream-tokens", { body: { stream: "user" } }));
    expect(url).toBe(`/events?token=${encodeURIComponent(token)}`);
    const viaToken = await anonymousHttp(url, { headers: SSE });
    expect(viaToken.status).toBe(200);
    const frames = readEventStream(viaToken, "UserStreamFrame");
    expect((await frames.take(1)).map(summary)).toEqual([["1", "thread.created", "thread.created", thread.id]]);
    await frames.close();
    // Not for a thread's stream, nor the JSON feed.
    expect((await anonymousHttp(`/threads/${thread.id}/events?token=${token}`, { headers: SSE })).status).toBe(401);
    expect((await anonymousHttp(url)).status).toBe(401);
    // A thread's token does not open the user stream.
    const threadToken = await unwrap(ada.api.POST("/stream-tokens", { body: { thread_id: thread.id } }));
    expect((await anonymousHttp(`/events?token=${threadToken.token}`, { headers: SSE })).status).toBe(401);

    const agent = await newAgent();
    expect((await agent.http("/events", { headers: SSE })).status).toBe(403);
    const keyToken = await agent.http("/stream-tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ stream: "user" }),
    });
    expect(keyToken.status).toBe(403);
    expect((await anonymousHttp("/events", { headers: SSE })).status).toBe(401);
    const both = await ada.http("/stream-tokens", json("POST", { thread_id: thread.id, stream: "user" }));
    expect(both.status).toBe(400);
    expect((await problemOf(both)).errors?.[0]).toMatchObject({ path: "body.thread_id" });
  });

  it("sends the same events over a WebSocket, resumed with ?after", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "one");
    const socket = await connectSocket(ada.http, "/events?after=1", "UserStreamFrame");
    await socket.until("the event after 1", () => socket.frames.length === 1);
    await post(ada.api, thread.id, "two");
    await socket.until("the live event", () => socket.frames.length === 2);
    expect(socket.frames.map(summary)).toEqual([
      ["2", "message.created", "message.created", thread.id],
      ["3", "message.created", "message.created", thread.id],
    ]);
    socket.ws.close(1000, "done");
  });

  it("limits how many user streams one user opens at once", async () => {
    const ada = await newUser();
    const streams = await Promise.all([open(ada), open(ada), open(ada)]);
    const refused = await ada.http("/events", { headers: SSE });
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).detail).toContain("STREAM_MAX_PER_HOLDER");
    await Promise.all(streams.map((stream) => stream.close()));
  });
});

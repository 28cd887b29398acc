import { describe, expect, it } from "vitest";
import { applyDelta, unwrap } from "../../sdk/src";
import { json, newAgent, newThread, newUser, post, problemOf } from "../support/conversations";
import { connectSocket, type Frame, readEventStream } from "../support/event-stream";

// test/vitest.config.ts sets MESSAGE_STREAM_IDLE_SECONDS=2 and STREAM_HEARTBEAT_SECONDS=1.
type Agent = Awaited<ReturnType<typeof newAgent>>;
type Watcher = Pick<Awaited<ReturnType<typeof newUser>>, "http">;

const watch = async (who: Watcher, threadId: string) => {
  const response = await who.http(`/threads/${threadId}/events`, { headers: { Accept: "text/event-stream" } });
  expect(response.status).toBe(200);
  return readEventStream(response);
};

const start = async (agent: Agent, threadId: string, body: Record<string, unknown> = {}) => {
  const response = await agent.http(`/threads/${threadId}/messages`, json("POST", { streaming: true, ...body }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ data: { id: string; state: string; text: string } }>()).data;
};

const deltasPath = (threadId: string, messageId: string) => `/threads/${threadId}/messages/${messageId}/deltas`;

const append = (who: Pick<Agent, "http">, threadId: string, messageId: string, offset: number, text: string) =>
  who.http(deltasPath(threadId, messageId), json("POST", { offset, text }));

const appended = async (agent: Agent, threadId: string, messageId: string, offset: number, text: string) => {
  const response = await append(agent, threadId, messageId, offset, text);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ data: { message_id: string; length: number } }>()).data.length;
};

const complete = (who: Pick<Agent, "http">, threadId: string, messageId: string, body = {}, headers = {}) =>
  who.http(`/threads/${threadId}/messages/${messageId}/complete`, json("POST", body, headers));

const getMessage = (agent: Agent, threadId: string, messageId: string) =>
  unwrap(
    agent.api.GET("/threads/{id}/messages/{message_id}", { params: { path: { id: threadId, message_id: messageId } } }),
  );

const deltaOf = (frame: Frame) => frame.data as { message_id: string; offset: number; text: string };

describe("streamed replies", () => {
  it("reach watchers as deltas while stored as they come, and end as one message.updated with the text GET returns", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const stream = await watch(ada, thread.id);
    await stream.take(1);

    const message = await start(agent, thread.id);
    expect(message).toMatchObject({ state: "STREAMING", text: "" });
    const [created] = await stream.take(1);
    expect(created?.event).toBe("message.created");
    expect(created?.data.data).toMatchObject({ id: message.id, state: "STREAMING", text: "" });

    let length = 0;
    for (const chunk of ["Churn ", "fell ", "to 3.2%."])
      length = await appended(agent, thread.id, message.id, length, chunk);
    const deltas = await stream.take(3);
    expect(deltas.map((frame) => [frame.event, frame.id, deltaOf(frame).offset, deltaOf(frame).text])).toEqual([
      ["message.delta", undefined, 0, "Churn "],
      ["message.delta", undefined, 6, "fell "],
      ["message.delta", undefined, 11, "to 3.2%."],
    ]);
    // Stored as it came: a reader who polls sees the text so far.
    expect(await getMessage(agent, thread.id, message.id)).toMatchObject({
      state: "STREAMING",
      text: "Churn fell to 3.2%.",
    });

    const done = await complete(agent, thread.id, message.id);
    expect(done.status).toBe(200);
    const [updated] = await stream.take(1);
    expect(updated?.event).toBe("message.updated");
    const final = await getMessage(agent, thread.id, message.id);
    expect(final).toMatchObject({ state: "COMPLETE", text: "Churn fell to 3.2%." });
    expect(updated?.data.data).toMatchObject({ state: "COMPLETE", text: final.text });
    expect(deltas.map(deltaOf).reduce(applyDelta, "")).toBe(final.text);
    // Deltas are not in the log: it has the message's creation and its completion.
    expect(await stream.idle(300)).toEqual([]);
    await stream.close();
  });

  it("reach WebSocket watchers as the same message.delta frames", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const socket = await connectSocket(ada.http, `/threads/${thread.id}/events`);
    await socket.until("thread.created", () => socket.frames.length === 1);
    const message = await start(agent, thread.id);
    await appended(agent, thread.id, message.id, await appended(agent, thread.id, message.id, 0, "Hel"), "lo");
    await socket.until("both deltas", () => socket.frames.length === 4);
    expect(socket.frames.slice(1).map((frame) => [frame.event, frame.id])).toEqual([
      ["message.created", "2"],
      ["message.delta", undefined],
      ["message.delta", undefined],
    ]);
    expect(socket.frames.slice(2).map(deltaOf).reduce(applyDelta, "")).toBe("Hello");
    socket.ws.close(1000, "done");
  });

  it("applies a retried delta once, counts offsets in UTF-16 code units, and refuses a delta that does not continue the text", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await start(agent, thread.id, { text: "He" });
    expect(await appended(agent, thread.id, message.id, 2, "llo")).toBe(5);
    // The same delta again (its answer was lost, say): success, nothing added.
    expect(await appended(agent, thread.id, message.id, 2, "llo")).toBe(5);

    for (const [offset, text] of [
      [7, "gap"],
      [3, "lo, world"],
    ] as const) {
      const refused = await append(agent, thread.id, message.id, offset, text);
      expect(refused.status).toBe(409);
      const problem = await problemOf(refused);
      expect(problem.type).toMatch(/stream-offset-mismatch$/);
      expect(problem.detail).toContain("offset 5");
    }
    expect(await appended(agent, thread.id, message.id, 5, " 👋")).toBe(8);
    expect(await appended(agent, thread.id, message.id, 8, "!")).toBe(9);
    expect((await getMessage(agent, thread.id, message.id)).text).toBe("Hello 👋!");
  });

  it("sends a watcher who joins mid-stream the text so far, then the rest", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await start(agent, thread.id);
    const length = await appended(agent, thread.id, message.id, 0, "Part one. ");

    const late = await watch(ada, thread.id);
    const joined = await late.take(3);
    expect(joined.map((frame) => frame.event)).toEqual(["thread.created", "message.created", "message.delta"]);
    expect(deltaOf(joined[2] as Frame)).toEqual({
      thread_id: thread.id,
      message_id: message.id,
      offset: 0,
      text: "Part one. ",
    });
    await appended(agent, thread.id, message.id, length, "Part two.");
    const [next] = await late.take(1);
    expect(deltaOf(next as Frame)).toMatchObject({ offset: 10, text: "Part two." });
    expect([joined[2], next].map((frame) => deltaOf(frame as Frame)).reduce(applyDelta, "")).toBe(
      "Part one. Part two.",
    );
    await late.close();
  });

  it("times a quiet stream out into INCOMPLETE, logged by nobody, after which it takes no more text", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const stream = await watch(ada, thread.id);
    const message = await start(agent, thread.id);
    await appended(agent, thread.id, message.id, 0, "Half a thou");
    const frames = await stream.take(4, 10_000);
    const timedOut = frames[3];
    expect(timedOut?.event).toBe("message.updated");
    expect(timedOut?.data).toMatchObject({ actor: null, data: { state: "INCOMPLETE", text: "Half a thou" } });
    expect(await getMessage(agent, thread.id, message.id)).toMatchObject({ state: "INCOMPLETE", text: "Half a thou" });

    const late = await append(agent, thread.id, message.id, 11, "ght");
    expect(late.status).toBe(409);
    expect((await problemOf(late)).detail).toContain("timed out");
    const completing = await complete(agent, thread.id, message.id);
    expect(completing.status).toBe(409);
    expect((await problemOf(completing)).type).toMatch(/message-not-streaming$/);
    await stream.close();
  });

  it("lets only its author stream into and complete a message, and nobody edit it meanwhile", async () => {
    const ada = await newUser();
    const stranger = await newUser();
    const agent = await newAgent();
    const otherAgent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await start(agent, thread.id);

    expect((await append(ada, thread.id, message.id, 0, "mine")).status).toBe(403);
    expect((await append(otherAgent, thread.id, message.id, 0, "mine")).status).toBe(403);
    expect((await complete(ada, thread.id, message.id, { text: "mine" })).status).toBe(403);
    expect((await append(stranger, thread.id, message.id, 0, "mine")).status).toBe(404);
    expect((await append(agent, thread.id, "cmif7vj3k0000nosuchmessage", 0, "x")).status).toBe(404);
    const editing = await agent.http(
      `/threads/${thread.id}/messages/${message.id}`,
      json("PATCH", { text: "edited mid-stream" }),
    );
    expect(editing.status).toBe(409);
    expect((await problemOf(editing)).detail).toContain("still streaming");
    expect((await getMessage(agent, thread.id, message.id)).text).toBe("");
  });

  it("completes with final text and blocks in place of what was streamed, once per Idempotency-Key, and again as a retry", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await start(agent, thread.id);
    await appended(agent, thread.id, message.id, 0, "churn fell to 3.2");
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*Churn* fell to 3.2%." } }];
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const first = await complete(agent, thread.id, message.id, { text: "Churn fell to 3.2%.", blocks }, key);
    expect(first.status).toBe(200);
    const again = await complete(agent, thread.id, message.id, { text: "Churn fell to 3.2%.", blocks }, key);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    expect(await getMessage(agent, thread.id, message.id)).toMatchObject({
      state: "COMPLETE",
      text: "Churn fell to 3.2%.",
      blocks,
      edited_at: null,
    });
    // Completing it again as it is (a retry whose answer was lost) answers it again; otherwise is a conflict.
    const retried = await complete(agent, thread.id, message.id, { text: "Churn fell to 3.2%." });
    expect(retried.status).toBe(200);
    const changed = await complete(agent, thread.id, message.id, { text: "Something else." });
    expect(changed.status).toBe(409);
    expect((await problemOf(changed)).detail).toContain("is complete");
    expect((await append(agent, thread.id, message.id, 19, "!")).status).toBe(409);
  });

  it("answers a problem for a message without text, an empty or too long delta, and completing nothing", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const noText = await agent.http(`/threads/${thread.id}/messages`, json("POST", {}));
    expect(noText.status).toBe(400);
    expect((await problemOf(noText)).errors).toEqual([
      expect.objectContaining({ path: "body.text", message: "Required unless streaming" }),
    ]);
    const message = await start(agent, thread.id);
    for (const body of [
      { offset: 0, text: "" },
      { offset: -1, text: "x" },
      { offset: 0 },
      { offset: 0, text: "x", extra: true },
    ]) {
      const refused = await agent.http(deltasPath(thread.id, message.id), json("POST", body));
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    const blank = await complete(agent, thread.id, message.id);
    expect(blank.status).toBe(400);
    expect((await problemOf(blank)).errors?.[0]).toMatchObject({ path: "body.text", code: "blank" });

    await appended(agent, thread.id, message.id, 0, "x".repeat(39_999));
    const tooLong = await append(agent, thread.id, message.id, 39_999, "yz");
    expect(tooLong.status).toBe(400);
    expect((await problemOf(tooLong)).errors?.[0]).toMatchObject({ path: "body.text", code: "too_long" });
    expect(await appended(agent, thread.id, message.id, 39_999, "y")).toBe(40_000);
  });

  it("refuses completing with no body and no Content-Type (415), and the reply goes on streaming", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await start(agent, thread.id);
    await appended(agent, thread.id, message.id, 0, "So far");
    const bare = await agent.http(`/threads/${thread.id}/messages/${message.id}/complete`, { method: "POST" });
    expect(bare.status).toBe(415);
    expect((await problemOf(bare)).type).toMatch(/\/unsupported-media-type$/);
    expect(await getMessage(agent, thread.id, message.id)).toMatchObject({ state: "STREAMING", text: "So far" });
    expect(await appended(agent, thread.id, message.id, 6, ".")).toBe(7);
  });

  it("takes no more text once the thread is archived", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await start(agent, thread.id);
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }));
    const refused = await append(agent, thread.id, message.id, 0, "late");
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).type).toMatch(/thread-archived$/);
  });

  describe("stop", () => {
    const stop = (who: Pick<Agent, "http">, threadId: string, messageId: string, headers = {}) =>
      who.http(`/threads/${threadId}/messages/${messageId}/stop`, { method: "POST", headers });

    it("ends a STREAMING reply as INCOMPLETE (STOPPED) with the text so far, which its author sees live, and refuses its next delta as stopped", async () => {
      const ada = await newUser();
      const agent = await newAgent();
      const thread = await newThread(ada.api);
      const message = await start(agent, thread.id);
      const agentStream = await watch(agent, thread.id);
      // The log so far, then the message's text so far (empty) as a joining watcher gets it.
      await agentStream.take(3);
      await appended(agent, thread.id, message.id, 0, "Half an answ");

      const stopped = await stop(ada, thread.id, message.id);
      expect(stopped.status, await stopped.clone().text()).toBe(200);
      expect((await stopped.json<{ data: unknown }>()).data).toMatchObject({
        state: "INCOMPLETE",
        incomplete_reason: "STOPPED",
        text: "Half an answ",
      });
      const [delta, updated] = await agentStream.take(2);
      expect(delta?.event).toBe("message.delta");
      expect(updated?.event).toBe("message.updated");
      expect(updated?.data).toMatchObject({
        actor: { type: "user", id: ada.id },
        data: { id: message.id, state: "INCOMPLETE", incomplete_reason: "STOPPED", text: "Half an answ" },
      });

      const late = await append(agent, thread.id, message.id, 12, "er");
      expect(late.status).toBe(409);
      const problem = await problemOf(late);
      expect(problem.type).toMatch(/message-stopped$/);
      expect(problem.detail).toContain("stop generating");
      const completing = await complete(agent, thread.id, message.id, { text: "A whole answer" });
      expect(completing.status).toBe(409);
      expect((await problemOf(completing)).type).toMatch(/message-stopped$/);
      expect(await getMessage(agent, thread.id, message.id)).toMatchObject({
        state: "INCOMPLETE",
        text: "Half an answ",
      });
      await agentStream.close();
    });

    it("answers a stopped message again when stopped twice, logging one stop", async () => {
      const ada = await newUser();
      const agent = await newAgent();
      const thread = await newThread(ada.api);
      const message = await start(agent, thread.id, { text: "So" });
      expect((await stop(ada, thread.id, message.id)).status).toBe(200);
      const again = await stop(ada, thread.id, message.id);
      expect(again.status).toBe(200);
      expect((await again.json<{ data: unknown }>()).data).toMatchObject({ incomplete_reason: "STOPPED" });
      const events = await unwrap(
        ada.api.GET("/threads/{id}/events", { params: { path: { id: thread.id }, query: { after: 0 } } }),
      );
      expect(events.map((event) => event.type)).toEqual(["thread.created", "message.created", "message.updated"]);
    });

    it("is for the thread's owner, an admin or the reply's author: another agent gets 403, a stranger 404", async () => {
      const ada = await newUser();
      const admin = await newUser("ADMIN");
      const stranger = await newUser();
      const agent = await newAgent();
      const otherAgent = await newAgent();
      const thread = await newThread(ada.api);
      const first = await start(agent, thread.id);
      const refused = await stop(otherAgent, thread.id, first.id);
      expect(refused.status).toBe(403);
      expect((await problemOf(refused)).detail).toContain("owner, an admin or its author");
      expect((await stop(stranger, thread.id, first.id)).status).toBe(404);
      expect((await stop(admin, thread.id, first.id)).status).toBe(200);
      const second = await start(agent, thread.id);
      expect((await stop(agent, thread.id, second.id)).status).toBe(200);
      expect((await stop(ada, thread.id, "cmif7vj3k0000nosuchmessage")).status).toBe(404);
    });

    it("refuses a message that is not streaming: completed, timed out or deleted (409 message-not-streaming)", async () => {
      const ada = await newUser();
      const agent = await newAgent();
      const thread = await newThread(ada.api);
      const written = await post(agent.api, thread.id, "Written in one go");
      const completed = await start(agent, thread.id, { text: "Done" });
      expect((await complete(agent, thread.id, completed.id)).status).toBe(200);
      const deleted = await start(agent, thread.id, { text: "Gone" });
      expect((await agent.http(`/threads/${thread.id}/messages/${deleted.id}`, { method: "DELETE" })).status).toBe(204);
      for (const [id, detail] of [
        [written.id, "is complete"],
        [completed.id, "is complete"],
        [deleted.id, "was deleted"],
      ] as const) {
        const refused = await stop(ada, thread.id, id);
        expect(refused.status).toBe(409);
        const problem = await problemOf(refused);
        expect(problem.type).toMatch(/message-not-streaming$/);
        expect(problem.detail).toContain(detail);
      }
    });

    it("does not happen when a watcher disconnects: the reply goes on streaming", async () => {
      const ada = await newUser();
      const agent = await newAgent();
      const thread = await newThread(ada.api);
      const stream = await watch(ada, thread.id);
      const message = await start(agent, thread.id);
      await stream.take(2);
      await stream.close();
      expect(await appended(agent, thread.id, message.id, 0, "Still here")).toBe(10);
      expect(await getMessage(agent, thread.id, message.id)).toMatchObject({ state: "STREAMING" });
    });

    it("records a timed-out message as TIMED_OUT", async () => {
      const ada = await newUser();
      const agent = await newAgent();
      const thread = await newThread(ada.api);
      const stream = await watch(ada, thread.id);
      const message = await start(agent, thread.id, { text: "Quiet" });
      const [, , timedOut] = await stream.take(3, 10_000);
      expect(timedOut?.data).toMatchObject({ data: { state: "INCOMPLETE", incomplete_reason: "TIMED_OUT" } });
      expect(await getMessage(agent, thread.id, message.id)).toMatchObject({ incomplete_reason: "TIMED_OUT" });
      const refused = await stop(ada, thread.id, message.id);
      expect((await problemOf(refused)).detail).toContain("timed out");
      await stream.close();
    });
  });
});

import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import worker from "../../src/index";
import { getDb } from "../../src/repositories/db";
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
const DAY = 24 * 60 * 60 * 1000;

const runDailyCleanup = async () => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "17 3 * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
};

describe("the thread event log", () => {
  it("records every kind of change, in order, each carrying what the REST API returned", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = await post(ada.api, thread.id, "hello");
    const base = `/threads/${thread.id}/messages/${message.id}`;
    const edited = await (await ada.http(base, json("PATCH", { text: "hello!" }))).json<{ data: typeof message }>();
    await agent.http(`${base}/reactions/eyes`, { method: "PUT" });
    await agent.http(`${base}/reactions/eyes`, { method: "DELETE" });
    const memory = await (await agent.http(`/threads/${thread.id}/memory`, json("PUT", { seen: true }))).json<{
      data: unknown;
    }>();
    const renamed = await unwrap(
      ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { title: "Renamed" } }),
    );
    await ada.http(base, { method: "DELETE" });
    const tombstone = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}", {
        params: { path: { id: thread.id, message_id: message.id } },
      }),
    );

    const events = await allEvents(ada.api, thread.id);
    expect(events.map((e) => [e.seq, e.type, e.actor?.type])).toEqual([
      [1, "thread.created", "user"],
      [2, "message.created", "user"],
      [3, "message.updated", "user"],
      [4, "reaction.added", "api_key"],
      [5, "reaction.removed", "api_key"],
      [6, "memory.updated", "api_key"],
      [7, "thread.updated", "user"],
      [8, "message.deleted", "user"],
    ]);
    const data = events.map((e) => e.data);
    expect(data[0]).toEqual(threadSnapshotOf(thread));
    expect(data[1]).toEqual(snapshotOf(message));
    expect(data[2]).toEqual(snapshotOf(edited.data));
    expect(data[3]).toEqual({
      message_id: message.id,
      emoji: "eyes",
      actor: { type: "api_key", id: agent.id },
      count: 1,
    });
    expect(data[4]).toEqual({
      message_id: message.id,
      emoji: "eyes",
      actor: { type: "api_key", id: agent.id },
      count: 0,
    });
    expect(data[5]).toEqual(memory.data);
    expect(data[6]).toEqual(threadSnapshotOf(renamed));
    expect(data[7]).toEqual(snapshotOf(tombstone));
  });

  it("pages with after and limit, and tells where to continue", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "1" }, { text: "2" }, { text: "3" }, { text: "4" }] });
    const page = async (after: number) => {
      const { data } = await ada.api.GET("/threads/{id}/events", {
        params: { path: { id: thread.id }, query: { after, limit: 2 } },
      });
      return { seqs: data?.data.map((e) => e.seq), pagination: data?.pagination };
    };
    expect(await page(0)).toEqual({ seqs: [1, 2], pagination: { limit: 2, has_more: true, next_after: 2 } });
    expect(await page(2)).toEqual({ seqs: [3, 4], pagination: { limit: 2, has_more: true, next_after: 4 } });
    expect(await page(4)).toEqual({ seqs: [5], pagination: { limit: 2, has_more: false, next_after: 5 } });
    // Polling at the end: nothing new, and the same place to continue from.
    expect(await page(5)).toEqual({ seqs: [], pagination: { limit: 2, has_more: false, next_after: 5 } });
  });

  it("keeps events 30 days: the daily cleanup drops older ones and a client that far behind gets 410", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "old news" }] });
    await db.threadEvent.updateMany({
      where: { threadId: thread.id },
      data: { createdAt: new Date(Date.now() - 31 * DAY) },
    });
    await post(ada.api, thread.id, "fresh");
    await runDailyCleanup();

    expect((await db.threadEvent.findMany({ where: { threadId: thread.id } })).map((e) => e.seq)).toEqual([3]);
    const behind = await ada.http(`/threads/${thread.id}/events?after=0`);
    expect(behind.status).toBe(410);
    const problem = await problemOf(behind);
    expect(problem.type).toMatch(/\/event-log-truncated$/);
    expect(problem.detail).toContain("the oldest kept is 3");
    // The recovery the problem describes: read the thread, then follow its log from last_event_seq.
    const current = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(current.last_event_seq).toBe(3);
    const caughtUp = await ada.http(`/threads/${thread.id}/events?after=2`);
    expect(caughtUp.status).toBe(200);
  });

  it("answers 410 when every event after the position has expired", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "long ago" }] });
    await db.threadEvent.updateMany({
      where: { threadId: thread.id },
      data: { createdAt: new Date(Date.now() - 31 * DAY) },
    });
    await runDailyCleanup();
    expect((await ada.http(`/threads/${thread.id}/events?after=1`)).status).toBe(410);
    expect((await ada.http(`/threads/${thread.id}/events?after=2`)).status).toBe(200);
  });

  it("refuses a negative or non-numeric position", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    for (const after of ["-1", "soon", "1.5"]) {
      const response = await ada.http(`/threads/${thread.id}/events?after=${after}`);
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["query.after"]);
    }
  });
});

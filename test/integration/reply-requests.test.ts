import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import type { ReplyRequest } from "../../src/wire/reply-requests";
import { BASE_URL, randomIp } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import {
  addAgent,
  eventsOf,
  json,
  newAgent,
  newMemberAgent,
  newThread,
  newUser,
  post,
  problemOf,
} from "../support/conversations";
import { readEventStream } from "../support/event-stream";

// POST /threads/{id}/messages/{message_id}/regenerate: a chat's "regenerate" as an event of the thread's log.
type Who = Pick<Awaited<ReturnType<typeof newUser>>, "http">;

const regenerate = (who: Who, threadId: string, messageId: string, headers: Record<string, string> = {}) =>
  who.http(`/threads/${threadId}/messages/${messageId}/regenerate`, { method: "POST", headers });

const requested = async (who: Who, threadId: string, messageId: string) => {
  const response = await regenerate(who, threadId, messageId);
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json<{ data: ReplyRequest }>()).data;
};

const reply = async (agent: Who, threadId: string, text: string, parentId?: string) => {
  const response = await agent.http(
    `/threads/${threadId}/messages`,
    json("POST", { text, ...(parentId ? { parent_id: parentId } : {}) }),
  );
  expect(response.status).toBe(201);
  return (await response.json<{ data: { id: string } }>()).data.id;
};

describe("asking for a new reply (regenerateReply)", () => {
  it("logs message.reply_requested naming the reply it would replace; nothing else changes", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const question = await post(ada.api, thread.id, "How did churn do?");
    const first = await reply(agent, thread.id, "Churn fell.");
    const second = await reply(agent, thread.id, "Churn fell to 3.2%.");
    const before = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));

    const request = await requested(ada, thread.id, question.id);
    expect(request).toMatchObject({
      thread_id: thread.id,
      message_id: question.id,
      previous_reply_id: second,
      requested_by: { type: "user", id: ada.id },
    });
    const [event] = await eventsOf(ada.api, thread.id, request.seq - 1);
    expect(event).toMatchObject({ seq: request.seq, type: "message.reply_requested", actor: { id: ada.id } });
    expect(event?.data).toEqual(request);
    const after = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(after).toEqual(before);
    expect(after.map((message) => message.id)).toContain(first);
  });

  it("names no previous reply when none is live after the message at its level", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const question = await post(ada.api, thread.id, "Anyone?");
    expect((await requested(ada, thread.id, question.id)).previous_reply_id).toBeNull();

    // An answer in the message's replies is not at its level; a deleted one is no longer a reply.
    await reply(agent, thread.id, "In the replies", question.id);
    const gone = await reply(agent, thread.id, "Deleted");
    expect((await agent.http(`/threads/${thread.id}/messages/${gone}`, { method: "DELETE" })).status).toBe(204);
    expect((await requested(ada, thread.id, question.id)).previous_reply_id).toBeNull();

    // Within a message's replies, the level is that parent's.
    const inReplies = await post(ada.api, thread.id, "And in here?", { parent_id: question.id });
    const answer = await reply(agent, thread.id, "Yes", question.id);
    expect((await requested(ada, thread.id, inReplies.id)).previous_reply_id).toBe(answer);
  });

  it("reaches a member agent live on the thread's stream, and its webhook", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent(["threads:read", "messages:write", "webhooks:read", "webhooks:write"]);
    const thread = await newThread(ada.api);
    await addAgent(ada.api, thread.id, agent.id);
    const hook = await unwrap(
      agent.api.POST("/webhooks", { body: { url: "https://hooks.invalid/hook", events: ["message.reply_requested"] } }),
    );
    const question = await post(ada.api, thread.id, "Try again?");
    const stream = await agent.http(`/threads/${thread.id}/events?after=${question.seq}`, {
      headers: { Accept: "text/event-stream" },
    });
    expect(stream.status).toBe(200);
    const frames = readEventStream(stream);

    // Through a service without the WEBHOOKS queue: the delivery is written with the event, and not sent.
    const quiet = new Request(`${BASE_URL}/threads/${thread.id}/messages/${question.id}/regenerate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ada.token}`, "CF-Connecting-IP": randomIp() },
    });
    const ctx = createExecutionContext();
    const response = await createApp().fetch(quiet, { ...env, WEBHOOKS: undefined }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("POST", quiet.url, response.clone());
    expect(response.status).toBe(202);
    const request = (await response.json<{ data: ReplyRequest }>()).data;
    let [frame] = await frames.take(1);
    // An activity frame may come first.
    while (frame?.event === "activity") [frame] = await frames.take(1);
    expect(frame).toMatchObject({ id: String(request.seq), data: { data: request } });
    await frames.close();
    const deliveries = await unwrap(
      agent.api.GET("/webhooks/{id}/deliveries", { params: { path: { id: hook.id }, query: { limit: 10 } } }),
    );
    expect(deliveries.map((delivery) => [delivery.event_type, delivery.seq])).toEqual([
      ["message.reply_requested", request.seq],
    ]);
  });

  it("replays the first answer for a retried request with the same Idempotency-Key, logging once", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const question = await post(ada.api, thread.id, "Again, once");
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const first = await regenerate(ada, thread.id, question.id, key);
    const again = await regenerate(ada, thread.id, question.id, key);
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toMatchObject({ data: (await first.json<{ data: ReplyRequest }>()).data });
    const logged = (await eventsOf(ada.api, thread.id)).filter((event) => event.type === "message.reply_requested");
    expect(logged).toHaveLength(1);
  });

  it("refuses an unknown message (404), a deleted one and an archived thread (409), logging nothing", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const unknown = await regenerate(ada, thread.id, "cmif7vj3k0000msg000000404");
    expect(unknown.status).toBe(404);

    const deleted = await post(ada.api, thread.id, "never mind");
    expect((await ada.http(`/threads/${thread.id}/messages/${deleted.id}`, { method: "DELETE" })).status).toBe(204);
    const refused = await regenerate(ada, thread.id, deleted.id);
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).detail).toMatch(/was deleted/);

    const question = await post(ada.api, thread.id, "archived soon");
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }));
    const archived = await regenerate(ada, thread.id, question.id);
    expect(archived.status).toBe(409);
    expect((await problemOf(archived)).type).toMatch(/\/thread-archived$/);
    const logged = (await eventsOf(ada.api, thread.id)).filter((event) => event.type === "message.reply_requested");
    expect(logged).toEqual([]);
  });
});

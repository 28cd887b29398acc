import { HttpAgent } from "@ag-ui/client";
import type { BaseEvent } from "@ag-ui/core";
import { EventSchemas } from "@ag-ui/core/schemas";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { BASE_URL, contractFetch } from "../support/api";
import { assertFrameMatchesContract } from "../support/contract";
import { json, newAgent, newThread, newUser, post } from "../support/conversations";

// AG-UI's own client (`HttpAgent` from `@ag-ui/client`) against POST /ag-ui: every event is parsed with
// `@ag-ui/core`'s EventSchemas and checked against the contract's AgUiEvent. CHAT_REPLY_WAIT_SECONDS is 2 here.
type User = Awaited<ReturnType<typeof newUser>>;
type Agent = Awaited<ReturnType<typeof newAgent>>;

const run = (
  user: Pick<User, "token">,
  threadId: string,
  messages: { id: string; role: "user"; content: string }[],
) => {
  const agent = new HttpAgent({
    url: `${BASE_URL}/ag-ui`,
    headers: { Authorization: `Bearer ${user.token}` },
    threadId,
    initialMessages: messages,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => contractFetch(new Request(input, init)),
  });
  const events: BaseEvent[] = [];
  const done = agent.runAgent(
    { runId: crypto.randomUUID() },
    {
      onEvent: ({ event }) => {
        expect(EventSchemas.safeParse(event).success, JSON.stringify(event)).toBe(true);
        assertFrameMatchesContract(event, "AgUiEvent");
        events.push(event);
      },
    },
  );
  const until = async (type: string) => {
    const deadline = Date.now() + 10_000;
    while (!events.some((event) => event.type === type)) {
      if (Date.now() > deadline) throw new Error(`no ${type} in ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { agent, events, done, until };
};

const startReply = async (agent: Agent, threadId: string, text: string) => {
  const response = await agent.http(`/threads/${threadId}/messages`, json("POST", { streaming: true, text }));
  expect(response.status).toBe(201);
  return (await response.json<{ data: { id: string } }>()).data.id;
};

describe("AG-UI (POST /ag-ui)", () => {
  it("runs: the thread's messages as a snapshot, then the agent's reply streamed as a text message, then RUN_FINISHED", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "Earlier question");
    const running = run(ada, thread.id, [{ id: "m1", role: "user", content: "How did churn do?" }]);
    await running.until("MESSAGES_SNAPSHOT");
    expect((await agent.http(`/threads/${thread.id}/activity`, json("PUT", { text: "thinking…" }))).status).toBe(200);
    const replyId = await startReply(agent, thread.id, "Churn ");
    await running.until("TEXT_MESSAGE_CONTENT");
    expect(
      (await agent.http(`/threads/${thread.id}/messages/${replyId}/deltas`, json("POST", { offset: 6, text: "fell." })))
        .status,
    ).toBe(200);
    expect((await agent.http(`/threads/${thread.id}/messages/${replyId}/complete`, json("POST", {}))).status).toBe(200);
    const { newMessages } = await running.done;

    expect(running.events.map((event) => event.type)).toEqual([
      "RUN_STARTED",
      "MESSAGES_SNAPSHOT",
      "ACTIVITY_SNAPSHOT",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    const snapshot = running.events[1] as unknown as { messages: { role: string; content: string }[] };
    expect(snapshot.messages.map((message) => [message.role, message.content])).toEqual([
      ["user", "Earlier question"],
      ["user", "How did churn do?"],
    ]);
    expect(running.events.at(-1)).toMatchObject({
      outcome: { type: "success" },
      result: { message_id: replyId, state: "COMPLETE" },
    });
    // The client's state: the thread's messages, and the reply with its whole text.
    expect(running.agent.messages.at(-1)).toMatchObject({ id: replyId, role: "assistant", content: "Churn fell." });
    expect(newMessages.map((message) => message.id)).toContain(replyId);
    const stored = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(stored.filter((message) => message.text === "How did churn do?")).toHaveLength(1);
  });

  it("ends the run as cancelled when someone stops the reply", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const running = run(ada, thread.id, [{ id: "m1", role: "user", content: "Tell me everything" }]);
    await running.until("MESSAGES_SNAPSHOT");
    const replyId = await startReply(agent, thread.id, "Well");
    await running.until("TEXT_MESSAGE_CONTENT");
    expect((await ada.http(`/threads/${thread.id}/messages/${replyId}/stop`, { method: "POST" })).status).toBe(200);
    await running.done;
    expect(running.events.at(-1)).toMatchObject({
      type: "RUN_FINISHED",
      outcome: { type: "cancelled" },
      result: { incomplete_reason: "STOPPED" },
    });
  });

  it("hydrates a client that brings no new message: the snapshot, the reply in progress, its end", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "Go on");
    const replyId = await startReply(agent, thread.id, "Half");
    const running = run(ada, thread.id, []);
    await running.until("TEXT_MESSAGE_CONTENT");
    expect((await agent.http(`/threads/${thread.id}/messages/${replyId}/complete`, json("POST", {}))).status).toBe(200);
    await running.done;
    expect(running.events.map((event) => event.type)).toEqual([
      "RUN_STARTED",
      "MESSAGES_SNAPSHOT",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    const stored = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(stored).toHaveLength(2);
  });

  it("finishes with `reply: none` when no agent answers in time, and refuses another's thread with 404", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const thread = await newThread(ada.api);
    const running = run(ada, thread.id, [{ id: "m1", role: "user", content: "Anyone?" }]);
    await running.done;
    expect(running.events.at(-1)).toMatchObject({ type: "RUN_FINISHED", result: { reply: "none", waited_seconds: 2 } });
    const refused = run(bob, thread.id, [{ id: "m2", role: "user", content: "Let me in" }]);
    await expect(refused.done).rejects.toThrow(/404/);
  });
});

import { createExecutionContext, env, evictDurableObject, waitOnExecutionContext } from "cloudflare:test";
import {
  DefaultChatTransport,
  generateId,
  readUIMessageStream,
  safeValidateUIMessages,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from "ai";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { BASE_URL, contractFetch } from "../support/api";
import { assertFrameMatchesContract, assertMatchesContract } from "../support/contract";
import { eventsOf, json, newAgent, newThread, newUser, post, problemOf } from "../support/conversations";

// The AI SDK's own client (`DefaultChatTransport` from `ai`) against POST /chat and GET /chat/{id}/stream: it parses
// every chunk with its `uiMessageChunkSchema` and throws on one it does not accept; each is also checked against
// the contract's UiMessageChunk. test/vitest.config.ts sets CHAT_REPLY_WAIT_SECONDS=2 for the chat worker.
type User = Awaited<ReturnType<typeof newUser>>;
type Agent = Awaited<ReturnType<typeof newAgent>>;

const transportFor = (user: Pick<User, "token">) =>
  new DefaultChatTransport({
    api: `${BASE_URL}/chat`,
    headers: { Authorization: `Bearer ${user.token}` },
    fetch: (input, init) => contractFetch(new Request(input, init)),
  });

const userMessage = (text: string, id: string = crypto.randomUUID()): UIMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

const send = (user: Pick<User, "token">, threadId: string, message: UIMessage) =>
  transportFor(user).sendMessages({
    chatId: threadId,
    messages: [message],
    trigger: "submit-message",
    messageId: undefined,
    abortSignal: undefined,
  });

/** Reads chunks as they come; `until` waits for one of a type. */
const reader = (stream: ReadableStream<UIMessageChunk>) => {
  const chunks: UIMessageChunk[] = [];
  const [mine, forMessage] = stream.tee();
  const read = mine.getReader();
  let done = false;
  const pump = (async () => {
    for (;;) {
      const next = await read.read();
      if (next.done) break;
      assertFrameMatchesContract(next.value, "UiMessageChunk");
      expect((await uiMessageChunkSchema().validate?.(next.value))?.success).toBe(true);
      chunks.push(next.value);
    }
    done = true;
  })();
  const message = (async () => {
    let last: UIMessage | undefined;
    for await (const built of readUIMessageStream({ stream: forMessage })) last = built;
    return last;
  })();
  const until = async (what: (chunk: UIMessageChunk) => boolean, label: string) => {
    const deadline = Date.now() + 10_000;
    while (!chunks.some(what)) {
      if (done || Date.now() > deadline) throw new Error(`no ${label} in ${JSON.stringify(chunks)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { chunks, until, end: () => pump.then(() => chunks), message, cancel: () => read.cancel() };
};

const startReply = async (agent: Agent, threadId: string, text = "") => {
  const response = await agent.http(`/threads/${threadId}/messages`, json("POST", { streaming: true, text }));
  expect(response.status).toBe(201);
  return (await response.json<{ data: { id: string } }>()).data.id;
};

const delta = async (agent: Agent, threadId: string, messageId: string, offset: number, text: string) => {
  const response = await agent.http(
    `/threads/${threadId}/messages/${messageId}/deltas`,
    json("POST", { offset, text }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
};

const complete = async (agent: Agent, threadId: string, messageId: string, body: unknown = {}) => {
  const response = await agent.http(`/threads/${threadId}/messages/${messageId}/complete`, json("POST", body));
  expect(response.status, await response.clone().text()).toBe(200);
};

const types = (chunks: UIMessageChunk[]) => chunks.map((chunk) => chunk.type);

const insight = {
  type: "INSIGHT",
  title: "Churn is down",
  content: { claim: "Churn fell from 4.1% to 3.2%.", confidence: 0.8, evidence: [] },
};

describe("useChat (POST /chat)", () => {
  it("stores the user's message and streams the agent's reply as it is written: text, status, artifact, blocks, finish", async () => {
    const ada = await newUser();
    const agent = await newAgent(["threads:read", "threads:write", "messages:write", "artifacts:write"]);
    const thread = await newThread(ada.api);
    const chat = reader(await send(ada, thread.id, userMessage("How did churn do?")));

    const stored = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(stored.map((message) => [message.role, message.text])).toEqual([["USER", "How did churn do?"]]);

    expect((await agent.http(`/threads/${thread.id}/activity`, json("PUT", { text: "thinking…" }))).status).toBe(200);
    await chat.until((chunk) => chunk.type === "data-activity", "status");
    const replyId = await startReply(agent, thread.id);
    await chat.until((chunk) => chunk.type === "start", "start");
    await delta(agent, thread.id, replyId, 0, "Churn ");
    await chat.until((chunk) => chunk.type === "text-delta", "first delta");
    await delta(agent, thread.id, replyId, 6, "fell to 3.2%.");
    expect((await agent.http(`/threads/${thread.id}/artifacts`, json("POST", insight))).status).toBe(201);
    await chat.until((chunk) => chunk.type === "data-artifact", "artifact");
    await complete(agent, thread.id, replyId, {
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Churn* fell to 3.2%." } }],
    });

    const chunks = await chat.end();
    expect(types(chunks)).toEqual([
      "data-activity",
      "start",
      "text-start",
      "text-delta",
      "text-delta",
      "data-artifact",
      "text-end",
      "data-blocks",
      "finish",
    ]);
    expect(chunks[1]).toMatchObject({ type: "start", messageId: replyId, messageMetadata: { thread_id: thread.id } });
    expect(chunks.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "stop",
      messageMetadata: { message_id: replyId, state: "COMPLETE" },
    });
    const message = await chat.message;
    expect(message?.id).toBe(replyId);
    expect(message?.parts).toEqual([
      expect.objectContaining({ type: "text", text: "Churn fell to 3.2%." }),
      expect.objectContaining({ type: "data-artifact", data: expect.objectContaining({ title: "Churn is down" }) }),
      expect.objectContaining({ type: "data-blocks" }),
    ]);
  });

  it("gives a reply's attachments as `file` parts with signed links that open the file", async () => {
    const ada = await newUser();
    const agent = await newAgent(["threads:read", "threads:write", "messages:write", "files:write"]);
    const thread = await newThread(ada.api);
    const chat = reader(await send(ada, thread.id, userMessage("The report, please")));
    const uploaded = await agent.http("/files?filename=report.txt", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "Q3 churn: 3.2%",
    });
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json<{ data: { id: string } }>()).data;
    const reply = await agent.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "Here it is.", file_ids: [file.id] }),
    );
    expect(reply.status).toBe(201);
    const chunks = await chat.end();
    const [part] = chunks.filter((chunk) => chunk.type === "file");
    expect(part).toMatchObject({ type: "file", mediaType: "text/plain" });
    // A browser opens the link with no credentials.
    const opened = await contractFetch(new Request(part && "url" in part ? part.url : ""));
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe("Q3 churn: 3.2%");
    const history = await ada.http(`/chat/${thread.id}/messages`);
    const { data } = await history.json<{ data: UIMessage[] }>();
    expect(data.at(-1)?.parts.at(-1)).toMatchObject({ type: "file", mediaType: "text/plain", filename: "report.txt" });
  });

  it("stores a retried submit (same client message id) once, and answers it with the same reply", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const message = userMessage("Once, please");
    const first = reader(await send(ada, thread.id, message));
    const replyId = await startReply(agent, thread.id, "Done.");
    await complete(agent, thread.id, replyId);
    await first.end();
    const again = await reader(await send(ada, thread.id, message)).end();
    expect(again.find((chunk) => chunk.type === "start")).toMatchObject({ messageId: replyId });
    const stored = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(stored.filter((row) => row.role === "USER")).toHaveLength(1);
  });

  it("ends with finish and `reply: none` when no agent starts a reply in time; the message stays", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const chunks = await reader(await send(ada, thread.id, userMessage("Anyone?"))).end();
    expect(chunks).toEqual([
      { type: "finish", finishReason: "other", messageMetadata: { reply: "none", waited_seconds: 2 } },
    ]);
    const stored = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(stored.map((message) => message.text)).toEqual(["Anyone?"]);
  });

  it("shows a stop as `abort` with the message's metadata saying STOPPED", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const chat = reader(await send(ada, thread.id, userMessage("Tell me everything")));
    const replyId = await startReply(agent, thread.id, "Well, ");
    await chat.until((chunk) => chunk.type === "text-delta", "text");
    const stopped = await ada.http(`/threads/${thread.id}/messages/${replyId}/stop`, { method: "POST" });
    expect(stopped.status).toBe(200);
    const chunks = await chat.end();
    expect(types(chunks).slice(-3)).toEqual(["text-end", "message-metadata", "abort"]);
    expect(chunks.at(-2)).toMatchObject({ messageMetadata: { state: "INCOMPLETE", incomplete_reason: "STOPPED" } });
    expect(chunks.at(-1)).toEqual({ type: "abort", reason: "stopped" });
  });

  it("never stops the reply when the client goes away: the agent goes on streaming", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const chat = reader(await send(ada, thread.id, userMessage("Hello?")));
    const replyId = await startReply(agent, thread.id, "Hi");
    await chat.until((chunk) => chunk.type === "text-delta", "text");
    await chat.cancel();
    await delta(agent, thread.id, replyId, 2, " there");
    await complete(agent, thread.id, replyId);
    const reply = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}", { params: { path: { id: thread.id, message_id: replyId } } }),
    );
    expect(reply).toMatchObject({ state: "COMPLETE", text: "Hi there" });
  });

  it("refuses what it cannot do as problems: another's thread 404, an API key 403, a last message that is not the user's 400", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await expect(send(bob, thread.id, userMessage("hi"))).rejects.toThrow(/No thread/);
    // useChat's own ids (mixed case) are not thread ids: the guide says to pass the thread's.
    const unknownChat = await ada.http(
      "/chat",
      json("POST", { id: generateId(), messages: [userMessage("hi")], trigger: "submit-message" }),
    );
    expect(unknownChat.status).toBe(400);
    expect((await problemOf(unknownChat)).errors?.map((error) => error.path)).toEqual(["body.id"]);

    const asKey = await agent.http(
      "/chat",
      json("POST", { id: thread.id, messages: [userMessage("hi")], trigger: "submit-message" }),
    );
    expect(asKey.status).toBe(403);

    const assistantLast = await ada.http(
      "/chat",
      json("POST", {
        id: thread.id,
        messages: [{ id: "a1", role: "assistant", parts: [{ type: "text", text: "I speak last" }] }],
        trigger: "submit-message",
      }),
    );
    expect(assistantLast.status).toBe(400);
    const problem = await problemOf(assistantLast);
    expect(problem.errors?.map((error) => error.path)).toContain("body.messages.0.role");
    const noText = await ada.http(
      "/chat",
      json("POST", {
        id: thread.id,
        messages: [{ id: "u1", role: "user", parts: [{ type: "file" }] }],
        trigger: "submit-message",
      }),
    );
    expect(noText.status).toBe(400);
    expect((await problemOf(noText)).errors?.map((error) => error.path)).toContain("body.messages.0.parts");
  });

  it.each([
    ["no CHAT binding", undefined],
    ["a chat worker that does not answer", { fetch: () => Promise.reject(new Error("Network connection lost.")) }],
    ["a chat worker that fails", { fetch: async () => new Response("upstream gone", { status: 502 }) }],
  ])("answers 503 feature-not-configured naming the chat worker with %s", async (_case, binding) => {
    const ada = await newUser();
    const request = new Request(`${BASE_URL}/chat/cmif7vj3k0000thr000000001/messages`, {
      headers: { Authorization: `Bearer ${ada.token}` },
    });
    const ctx = createExecutionContext();
    const response = await createApp().fetch(request, { ...env, CHAT: binding as Fetcher | undefined }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(503);
    const { error } = await response.json<{ error: { type: string; detail: string } }>();
    expect(error.type).toMatch(/\/feature-not-configured$/);
    expect(error.detail).toMatch(/chat worker/);
  });
});

const regenerate = (user: Pick<User, "token">, threadId: string, message: UIMessage, messageId?: string) =>
  transportFor(user).sendMessages({
    chatId: threadId,
    // What useChat's regenerate() sends: the messages up to the user's, without the reply being regenerated.
    messages: [message],
    trigger: "regenerate-message",
    messageId,
    abortSignal: undefined,
  });

describe("regenerate (POST /chat, trigger regenerate-message)", () => {
  it("asks the agents for a new reply to the user's message and streams it; the previous reply stays", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const question = userMessage("How did churn do?");
    const first = reader(await send(ada, thread.id, question));
    const firstReply = await startReply(agent, thread.id, "Churn fell.");
    await complete(agent, thread.id, firstReply);
    await first.end();
    const stored = (await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }))).find(
      (message) => message.role === "USER",
    );
    expect(stored?.metadata).toEqual({ chat_message_id: question.id });

    const again = reader(await regenerate(ada, thread.id, question, firstReply));
    // The agent hears of it as an event of the thread's log, naming the message and the reply to replace.
    const events = await eventsOf(agent.api, thread.id);
    expect(events.at(-1)).toMatchObject({
      type: "message.reply_requested",
      actor: { type: "user", id: ada.id },
      data: { message_id: stored?.id, previous_reply_id: firstReply },
    });
    const secondReply = await startReply(agent, thread.id, "Churn fell from 4.1% ");
    await delta(agent, thread.id, secondReply, 21, "to 3.2%.");
    await complete(agent, thread.id, secondReply);
    const chunks = await again.end();
    expect(chunks.find((chunk) => chunk.type === "start")).toMatchObject({ messageId: secondReply });
    expect((await again.message)?.parts[0]).toMatchObject({ type: "text", text: "Churn fell from 4.1% to 3.2%." });
    expect(chunks.at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });

    // Nothing new stored for the user; both replies in the history, whose ids regenerate takes too.
    const history = (await (await ada.http(`/chat/${thread.id}/messages`)).json<{ data: UIMessage[] }>()).data;
    expect(history.map((message) => [message.role, message.id])).toEqual([
      ["user", stored?.id],
      ["assistant", firstReply],
      ["assistant", secondReply],
    ]);
    const [fromHistory] = history;
    if (!fromHistory) throw new Error("no history");
    const third = reader(await regenerate(ada, thread.id, fromHistory));
    const thirdReply = await startReply(agent, thread.id, "Down.");
    await complete(agent, thread.id, thirdReply);
    expect((await third.end()).find((chunk) => chunk.type === "start")).toMatchObject({ messageId: thirdReply });
    expect((await eventsOf(agent.api, thread.id)).filter((event) => event.type === "message.reply_requested")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ previous_reply_id: firstReply }) }),
      expect.objectContaining({ data: expect.objectContaining({ previous_reply_id: secondReply }) }),
    ]);
  });

  it("refuses a message that is not a user's message of the thread: 404, and nothing is logged", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "hello");
    await expect(regenerate(ada, thread.id, userMessage("never sent"))).rejects.toThrow(/not a user's message/);
    const replyId = await startReply(agent, thread.id, "Hi.");
    // The agent's reply is not a message to answer again.
    await expect(regenerate(ada, thread.id, userMessage("Hi.", replyId))).rejects.toThrow(/not a user's message/);
    expect((await eventsOf(ada.api, thread.id)).map((event) => event.type)).not.toContain("message.reply_requested");
  });
});

describe("resuming (GET /chat/{id}/stream)", () => {
  it("answers 204 when no reply is streaming, so useChat resumes nothing", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "just me");
    expect(await transportFor(ada).reconnectToStream({ chatId: thread.id })).toBeNull();
  });

  it("replays a reply in progress from its start — the text so far at once — then follows it live", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "Go on");
    const replyId = await startReply(agent, thread.id, "Part one, ");
    await delta(agent, thread.id, replyId, 10, "part two, ");
    const stream = await transportFor(ada).reconnectToStream({ chatId: thread.id });
    expect(stream).not.toBeNull();
    const chat = reader(stream as ReadableStream<UIMessageChunk>);
    await chat.until((chunk) => chunk.type === "text-delta", "text so far");
    await delta(agent, thread.id, replyId, 20, "part three.");
    await complete(agent, thread.id, replyId);
    const chunks = await chat.end();
    expect(chunks[0]).toMatchObject({ type: "start", messageId: replyId });
    const text = chunks.flatMap((chunk) => (chunk.type === "text-delta" ? [chunk.delta] : [])).join("");
    expect(text).toBe("Part one, part two, part three.");
    expect((await chat.message)?.parts[0]).toMatchObject({ type: "text", text: "Part one, part two, part three." });
  });

  it("resumes after the thread's hub restarts mid-reply: nothing of the chat was kept in it, all is read from the log", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "Still there?");
    const replyId = await startReply(agent, thread.id, "Before ");
    // A restart with nothing in flight (the test tool evicts only such an object), mid-reply.
    await evictDurableObject(env.THREAD_HUB.get(env.THREAD_HUB.idFromName(thread.id)));
    await delta(agent, thread.id, replyId, 7, "and ");
    const stream = await transportFor(ada).reconnectToStream({ chatId: thread.id });
    const resumed = reader(stream as ReadableStream<UIMessageChunk>);
    await resumed.until((chunk) => chunk.type === "text-delta", "the text so far");
    await delta(agent, thread.id, replyId, 11, "after.");
    await complete(agent, thread.id, replyId);
    const chunks = await resumed.end();
    expect(chunks[0]).toMatchObject({ type: "start", messageId: replyId });
    expect((await resumed.message)?.parts[0]).toMatchObject({ type: "text", text: "Before and after." });
  });
});

describe("history (GET /chat/{id}/messages)", () => {
  it("gives the thread's messages as UIMessages the AI SDK accepts: text, blocks, metadata; newest page first", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, "first");
    const reply = await agent.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "second", blocks: [{ type: "divider" }] }),
    );
    expect(reply.status).toBe(201);
    await post(ada.api, thread.id, "third");
    const page = await ada.http(`/chat/${thread.id}/messages?limit=2`);
    expect(page.status).toBe(200);
    const body = await page.json<{ data: UIMessage[]; pagination: { has_more: boolean; next_cursor: string } }>();
    expect(body.data.map((message) => [message.role, message.parts[0]])).toEqual([
      ["assistant", { type: "text", text: "second", state: "done" }],
      ["user", { type: "text", text: "third", state: "done" }],
    ]);
    expect(body.data[0]?.parts[1]).toMatchObject({ type: "data-blocks", data: [{ type: "divider" }] });
    expect(body.data[0]?.metadata).toMatchObject({ thread_id: thread.id, state: "COMPLETE", deleted: false });
    expect((await safeValidateUIMessages({ messages: body.data })).success).toBe(true);
    const older = await ada.http(`/chat/${thread.id}/messages?limit=2&cursor=${body.pagination.next_cursor}`);
    const rest = await older.json<{ data: UIMessage[]; pagination: { has_more: boolean } }>();
    expect(rest.data.map((message) => message.parts[0])).toEqual([{ type: "text", text: "first", state: "done" }]);
    expect(rest.pagination.has_more).toBe(false);
  });
});

import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { unwrap } from "../../sdk/src";
import { readEventStream } from "../support/event-stream";
import { harness, type Role } from "../support/harness";
import { type ListedTool, mcpClient, type Spec, toolData, toolDifferences } from "../support/mcp";
import { describeToolCalls } from "../support/mcp-tool-calls";
import { startReceiver } from "./support/webhook-receiver";

// MCP end to end: the MCP SDK's own Client (Streamable HTTP) against the real `wrangler dev` of global-setup.ts,
// where the API's POST /mcp authenticates the caller and forwards to the MCP worker over its service binding, and
// every tool call comes back to the API as the REST operation it makes. What a tool writes is seen where REST
// writes are seen: on the thread's live stream (SSE) and in webhook deliveries to a real receiver.

const base = () => inject("baseUrl");
const h = harness(inject("baseUrl"), (request) => fetch(request));

/** The MCP client, closed when the test ends (passed or not). */
const connect = async (token: string, tools?: string) => {
  const client = await mcpClient(h, token, tools);
  onTestFinished(() => client.close());
  return client;
};

/** A user of their own: their token, id, the SDK and an MCP client, both as them. */
const newUser = async (role: Role = "USER") => {
  const { access_token: token } = await h.signIn(role);
  const api = h.clientWith(token);
  return { token, id: (await unwrap(api.GET("/me"))).id, api, mcp: await connect(token) };
};

/** A thread made through the `create_thread` tool. */
const newThread = async (mcp: Client, title: string) =>
  toolData<{ id: string; title: string }>(await mcp.callTool({ name: "create_thread", arguments: { title } })).data;

/** The thread's live stream (SSE), each frame checked against the contract; let go of when the test ends. */
const watch = async (token: string, threadId: string) => {
  const response = await h.fetch(
    new Request(`${base()}/threads/${threadId}/events`, {
      headers: { Accept: "text/event-stream", Authorization: `Bearer ${token}` },
    }),
  );
  expect(response.status, response.ok ? "" : await response.clone().text()).toBe(200);
  const stream = readEventStream(response);
  onTestFinished(() => stream.close());
  return stream;
};

interface MessageWire {
  id: string;
  thread_id: string;
  text: string;
  state: string;
}

describe("MCP tools over the real server", () => {
  it("lists the tools of the contract: one per operation marked x-mcp, with its name, arguments and description", async () => {
    const admin = await newUser("ADMIN");
    const spec = (await (await fetch(`${base()}/openapi.json`)).json()) as Spec;
    const { tools } = await admin.mcp.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["create_thread", "create_message", "append_message_delta", "complete_message"]),
    );
    expect(toolDifferences(spec, tools as ListedTool[])).toEqual([]);
  });

  it("posts a message with create_message that shows up on the thread's SSE stream and in a signed webhook delivery", async () => {
    const receiver = await startReceiver();
    onTestFinished(() => receiver.stop());
    const admin = await newUser("ADMIN");
    const thread = await newThread(admin.mcp, "Posted over MCP");
    const path = `/mcp-${randomUUID()}`;
    const hook = await unwrap(
      admin.api.POST("/webhooks", {
        body: { url: receiver.url(path), events: ["message.created"], thread_id: thread.id },
      }),
    );
    receiver.expect(path, hook.secret);
    const stream = await watch(admin.token, thread.id);
    const [created] = await stream.take(1);
    expect(created).toMatchObject({ id: "1", event: "thread.created" });

    const message = toolData<MessageWire>(
      await admin.mcp.callTool({ name: "create_message", arguments: { id: thread.id, text: "Hello from a tool" } }),
    ).data;
    expect(message).toMatchObject({ thread_id: thread.id, text: "Hello from a tool", state: "COMPLETE" });

    const [frame] = await stream.take(1);
    expect(frame).toMatchObject({
      id: "2",
      event: "message.created",
      data: { type: "message.created", seq: 2, thread_id: thread.id, data: { id: message.id, text: message.text } },
    });

    const at = () => receiver.received.filter((request) => request.path === path);
    await receiver.until(() => at().length >= 1);
    const [delivery] = at();
    expect(delivery?.verified).toBe(true);
    expect(delivery?.status).toBe(204);
    const payload = JSON.parse(delivery?.body ?? "{}");
    // The delivery's `data` is the event as the stream sent it, whose `data` is the message.
    expect(payload).toEqual({ type: "message.created", timestamp: frame?.data.created_at, data: frame?.data });
    expect(payload.data.data).toMatchObject({ id: message.id, thread_id: thread.id, text: "Hello from a tool" });
  });

  it("streams a reply through create_message, append_message_delta and complete_message to a watcher of the thread", async () => {
    const user = await newUser();
    const thread = await newThread(user.mcp, "Streamed over MCP");
    const stream = await watch(user.token, thread.id);
    expect((await stream.take(1))[0]?.event).toBe("thread.created");

    const started = toolData<MessageWire>(
      await user.mcp.callTool({ name: "create_message", arguments: { id: thread.id, streaming: true } }),
    ).data;
    expect(started.state).toBe("STREAMING");
    const ids = { id: thread.id, message_id: started.id };
    const first = toolData<{ length: number }>(
      await user.mcp.callTool({ name: "append_message_delta", arguments: { ...ids, offset: 0, text: "Churn fell " } }),
    ).data;
    expect(first.length).toBe("Churn fell ".length);
    const second = toolData<{ length: number }>(
      await user.mcp.callTool({
        name: "append_message_delta",
        arguments: { ...ids, offset: first.length, text: "to 3.2%." },
      }),
    ).data;
    expect(second.length).toBe("Churn fell to 3.2%.".length);
    const completed = toolData<MessageWire>(await user.mcp.callTool({ name: "complete_message", arguments: ids })).data;
    expect(completed).toMatchObject({ id: started.id, text: "Churn fell to 3.2%.", state: "COMPLETE" });

    const frames = await stream.take(4);
    expect(frames.map((frame) => frame.event)).toEqual([
      "message.created",
      "message.delta",
      "message.delta",
      "message.updated",
    ]);
    expect(frames[0]?.data.data).toMatchObject({ id: started.id, state: "STREAMING" });
    expect(frames.slice(1, 3).map((frame) => frame.data)).toEqual([
      { thread_id: thread.id, message_id: started.id, offset: 0, text: "Churn fell " },
      { thread_id: thread.id, message_id: started.id, offset: first.length, text: "to 3.2%." },
    ]);
    expect(frames[3]?.data.data).toMatchObject({ id: started.id, state: "COMPLETE", text: "Churn fell to 3.2%." });
  });

  it("answers POST /mcp without credentials 401, naming the protected-resource metadata it serves", async () => {
    const response = await fetch(`${base()}/mcp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    const metadataUrl = `${base()}/.well-known/oauth-protected-resource/mcp`;
    expect(response.headers.get("WWW-Authenticate")).toContain(`resource_metadata="${metadataUrl}"`);
    await response.body?.cancel();
    const metadata = await fetch(metadataUrl);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await metadata.json()).toMatchObject({ resource: `${base()}/mcp`, bearer_methods_supported: ["header"] });
  });

  it("reads thread://{id} whole in one call: the thread, its memory and its messages oldest first", async () => {
    const user = await newUser();
    const thread = await newThread(user.mcp, "Read whole");
    const id = thread.id;
    for (const text of ["first", "second", "third"]) {
      await unwrap(user.api.POST("/threads/{id}/messages", { params: { path: { id } }, body: { text } }));
    }
    await unwrap(user.api.PUT("/threads/{id}/memory", { params: { path: { id } }, body: { goal: "answer" } }));

    const { contents } = await user.mcp.readResource({ uri: `thread://${id}` });
    expect(contents).toHaveLength(1);
    const [content] = contents;
    expect(content).toMatchObject({ uri: `thread://${id}`, mimeType: "application/json" });
    if (!content || !("text" in content)) throw new Error("the resource has no text");
    const whole = JSON.parse(content.text as string) as {
      thread: unknown;
      memory: unknown;
      messages: { id: string; text: string }[];
    };
    expect(whole.thread).toEqual(await unwrap(user.api.GET("/threads/{id}", { params: { path: { id } } })));
    expect(whole.memory).toEqual(await unwrap(user.api.GET("/threads/{id}/memory", { params: { path: { id } } })));
    expect(whole.memory).toMatchObject({ memory: { goal: "answer" } });
    expect(whole.messages.map((message) => message.text)).toEqual(["first", "second", "third"]);
    const oldestFirst = await unwrap(
      user.api.GET("/threads/{id}/messages", { params: { path: { id }, query: { order: "asc" } } }),
    );
    expect(whole.messages).toEqual(oldestFirst);
  });
});

// Every tool's happy path and the not-found, forbidden and validation tool errors, as the workers suite runs them.
describeToolCalls(h);

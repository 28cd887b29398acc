import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { BASE_URL, workers } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { randomIp } from "../support/harness";
import { type ListedTool, mcpClient, type Spec, toolDifferences } from "../support/mcp";
import { describeToolCalls } from "../support/mcp-tool-calls";

/** A user of their own with the SDK and an MCP client, both as that user. */
const newUser = async (role: "ADMIN" | "USER" = "USER") => {
  const tokens = await workers.signIn(role);
  const api = workers.clientWith(tokens.access_token);
  return {
    token: tokens.access_token,
    id: (await unwrap(api.GET("/me"))).id,
    api,
    mcp: await mcpClient(workers, tokens.access_token),
  };
};

/** The text of a resource's first content. */
const textOf = (contents: ({ text: string } | { blob: string })[]) => {
  const [first] = contents;
  if (!first || !("text" in first)) throw new Error("the resource has no text");
  return first.text;
};

const spec = async () => (await (await workers.fetch(new Request(`${BASE_URL}/openapi.json`))).json()) as Spec;

/** A raw JSON-RPC request to /mcp (checked against the contract like every answer here). */
const postMcp = (token: string | null, body: unknown, query = "") =>
  workers.fetch(
    new Request(`${BASE_URL}/mcp${query}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "CF-Connecting-IP": randomIp(),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    }),
  );

describe("MCP tools are the contract's operations", () => {
  it("lists one tool per operation marked x-mcp, with its operation's name, arguments and description", async () => {
    const admin = await newUser("ADMIN");
    const { tools } = await admin.mcp.listTools();
    expect(tools.length).toBeGreaterThanOrEqual(20);
    expect(tools.length).toBeLessThanOrEqual(30);
    expect(toolDifferences(await spec(), tools as ListedTool[])).toEqual([]);
    expect(tools.map((tool) => tool.name)).toContain("create_message");
  });

  it("notices a tool that drifts from its operation, and an operation marked but not listed", async () => {
    const contract = await spec();
    const { tools } = await (await newUser("ADMIN")).mcp.listTools();
    // The contract grows a body member the tool lacks: the schemas differ.
    const drifted = structuredClone(contract);
    const body = drifted.components.schemas.MessageDeltaRequest as { properties: Record<string, unknown> };
    body.properties.extra = { type: "string" };
    expect(toolDifferences(drifted, tools as ListedTool[])).toContainEqual(
      expect.stringMatching(/^append_message_delta: arguments/),
    );
    // An operation is marked that no tool serves.
    const marked = structuredClone(contract);
    (marked.paths["/threads/{id}/agents"]?.get as { "x-mcp"?: boolean })["x-mcp"] = true;
    expect(toolDifferences(marked, tools as ListedTool[])).toEqual(["list_thread_agents: marked x-mcp but not listed"]);
  });

  it("lists only the tools a caller's role or key's scopes can use, and ?tools= narrows them", async () => {
    const user = await newUser("USER");
    const names = (await user.mcp.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("create_message");
    const key = await workers.createApiKey(["threads:read"]);
    const reader = await mcpClient(workers, key.secret);
    const readable = (await reader.listTools()).tools;
    expect(readable.length).toBeGreaterThan(0);
    // Reads only, and the key's own read mark (its threads:read covers moving it).
    const writes = readable.filter((tool) => !tool.annotations?.readOnlyHint).map((tool) => tool.name);
    expect(writes).toEqual(["mark_thread_read"]);
    expect(readable.map((tool) => tool.name)).not.toContain("get_me");
    const narrowed = await mcpClient(workers, user.token, "get_thread,create_message");
    expect((await narrowed.listTools()).tools.map((tool) => tool.name)).toEqual(["get_thread", "create_message"]);
    await expect(narrowed.callTool({ name: "list_threads", arguments: {} })).rejects.toThrow(/list_threads/);
  });

  it("refuses ?tools= naming a tool that does not exist, naming it", async () => {
    const user = await newUser();
    const response = await postMcp(
      user.token,
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      "?tools=get_thread,nope",
    );
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { type: string; detail: string } }>();
    expect(error.type).toMatch(/\/validation-error$/);
    expect(error.detail).toContain("nope");
  });
});

describeToolCalls(workers);

describe("the MCP endpoint", () => {
  it("answers a request without credentials 401, pointing at the protected-resource metadata", async () => {
    const response = await postMcp(null, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(response.status).toBe(401);
    const challenge = response.headers.get("WWW-Authenticate") ?? "";
    expect(challenge).toContain(`resource_metadata="${BASE_URL}/.well-known/oauth-protected-resource/mcp"`);
    const metadata = await workers.fetch(new Request(`${BASE_URL}/.well-known/oauth-protected-resource/mcp`));
    expect(await metadata.json()).toMatchObject({
      resource: `${BASE_URL}/mcp`,
      bearer_methods_supported: ["header"],
      scopes_supported: expect.arrayContaining(["threads:read", "messages:write"]),
    });
    const root = await workers.fetch(new Request(`${BASE_URL}/.well-known/oauth-protected-resource`));
    expect(await root.json()).toMatchObject({ resource: `${BASE_URL}/` });
  });

  it("lets in an API key of any scope, listing only the tools its scopes allow", async () => {
    const key = await workers.createApiKey(["files:read"]);
    const files = await mcpClient(workers, key.secret);
    expect((await files.listTools()).tools.map((tool) => tool.name)).toEqual(["get_file", "create_download_link"]);
  });

  it("refuses a body that is not JSON-RPC with the validation problem", async () => {
    const user = await newUser();
    const response = await postMcp(user.token, { method: "tools/list" });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { type: string } }>()).error.type).toMatch(/\/validation-error$/);
  });

  it("answers the MCP transport's own refusal (an unsupported protocol version) with the validation problem", async () => {
    const user = await newUser();
    const response = await workers.fetch(
      new Request(`${BASE_URL}/mcp`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${user.token}`,
          "Content-Type": "application/json",
          "MCP-Protocol-Version": "1999-01-01",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      }),
    );
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { type: string; detail: string } }>();
    expect(error.type).toMatch(/\/validation-error$/);
    expect(error.detail).toContain("1999-01-01");
  });

  it.each([
    ["no MCP binding", undefined],
    ["an MCP worker that does not answer", { fetch: () => Promise.reject(new Error("Network connection lost.")) }],
    ["an MCP worker that fails", { fetch: async () => new Response("upstream gone", { status: 502 }) }],
  ])("answers 503 feature-not-configured naming the MCP worker with %s", async (_case, binding) => {
    const user = await newUser();
    const request = new Request(`${BASE_URL}/mcp`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    const ctx = createExecutionContext();
    const response = await createApp().fetch(request, { ...env, MCP: binding as Fetcher | undefined }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("POST", request.url, response.clone());
    expect(response.status).toBe(503);
    const { error } = await response.json<{ error: { type: string; detail: string } }>();
    expect(error.type).toMatch(/\/feature-not-configured$/);
    expect(error.detail).toMatch(/MCP (service binding|binding)/);
  });
});

describe("MCP resources", () => {
  it("reads a thread whole — thread, memory, newest messages oldest first, artifacts — in one call", async () => {
    const user = await newUser();
    const thread = await unwrap(
      user.api.POST("/threads", { body: { title: "whole", messages: [{ text: "first" }, { text: "second" }] } }),
    );
    const id = thread.id;
    await unwrap(user.api.PUT("/threads/{id}/memory", { params: { path: { id } }, body: { k: "v" } }));
    const artifact = await unwrap(
      user.api.POST("/threads/{id}/artifacts", {
        params: { path: { id } },
        body: { type: "DOCUMENT", title: "Doc", content: { format: "text", body: "x" } },
      }),
    );
    const { contents } = await user.mcp.readResource({ uri: `thread://${id}` });
    const whole = JSON.parse(textOf(contents)) as {
      thread: { id: string };
      memory: { memory: unknown };
      messages: { text: string }[];
      artifacts: { id: string }[];
    };
    expect(whole.thread).toEqual(await unwrap(user.api.GET("/threads/{id}", { params: { path: { id } } })));
    expect(whole.memory.memory).toEqual({ k: "v" });
    expect(whole.messages.map((message) => message.text)).toEqual(["first", "second"]);
    expect(whole.artifacts.map((item) => item.id)).toEqual([artifact.id]);

    const [message] = whole.messages as unknown as { id: string }[];
    const single = await user.mcp.readResource({ uri: `thread://${id}/messages/${message?.id}` });
    expect(JSON.parse(textOf(single.contents))).toMatchObject({ id: message?.id, text: "first" });
    const art = await user.mcp.readResource({ uri: `thread://${id}/artifacts/${artifact.id}` });
    expect(JSON.parse(textOf(art.contents))).toMatchObject({ id: artifact.id, title: "Doc" });
  });

  it("lists the caller's threads as resources and its templates", async () => {
    const user = await newUser();
    const thread = await unwrap(user.api.POST("/threads", { body: { title: "listed" } }));
    const { resources } = await user.mcp.listResources();
    expect(resources).toEqual([{ uri: `thread://${thread.id}`, name: "listed", mimeType: "application/json" }]);
    const { resourceTemplates } = await user.mcp.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
      "thread://{thread_id}",
      "thread://{thread_id}/messages/{message_id}",
      "thread://{thread_id}/artifacts/{artifact_id}",
    ]);
  });

  it("answers another user's thread, and a URI that is no resource, with the resource-not-found error", async () => {
    const owner = await newUser();
    const thread = await unwrap(owner.api.POST("/threads", { body: { title: "private" } }));
    const other = await newUser();
    await expect(other.mcp.readResource({ uri: `thread://${thread.id}` })).rejects.toMatchObject({ code: -32002 });
    await expect(other.mcp.readResource({ uri: "file://nothing" })).rejects.toMatchObject({ code: -32002 });
  });
});

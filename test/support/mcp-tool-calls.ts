import { describe, expect, it, onTestFinished } from "vitest";
import { unwrap } from "../../sdk/src";
import type { Harness } from "./harness";
import { mcpClient, toolData, toolProblem } from "./mcp";

// Runtime-neutral: every tool's happy path and the problems tool calls carry, run by the workers suite (test/integration/mcp.test.ts) and against
// `wrangler dev` (test/e2e/mcp.test.ts), each call's answer compared with the REST call's.

/** A user of their own with the SDK and an MCP client (closed when the test ends), both as that user. */
const newUser = async (h: Harness, role: "ADMIN" | "USER" = "USER") => {
  const tokens = await h.signIn(role);
  const api = h.clientWith(tokens.access_token);
  const mcp = await mcpClient(h, tokens.access_token);
  onTestFinished(() => mcp.close());
  return { token: tokens.access_token, id: (await unwrap(api.GET("/me"))).id, api, mcp };
};

/**
 * Each tool called as a user does what its REST operation does, and answers the same wire object; a call the
 * operation refuses is a tool error carrying its problem.
 */
export const describeToolCalls = (h: Harness) => {
  describe("MCP tool calls do what the REST calls do", () => {
    it("creates, reads and lists threads, answering the same wire objects as REST", async () => {
      const user = await newUser(h);
      expect(toolData(await user.mcp.callTool({ name: "get_me", arguments: {} })).data).toMatchObject({ id: user.id });
      const created = toolData<{ id: string; title: string }>(
        await user.mcp.callTool({ name: "create_thread", arguments: { title: "Over MCP" } }),
      ).data;
      expect(created.title).toBe("Over MCP");
      const read = toolData(await user.mcp.callTool({ name: "get_thread", arguments: { id: created.id } })).data;
      expect(read).toEqual(await unwrap(user.api.GET("/threads/{id}", { params: { path: { id: created.id } } })));
      const page = toolData<{ id: string }[]>(
        await user.mcp.callTool({ name: "list_threads", arguments: { limit: 5 } }),
      );
      expect(page.data.map((thread) => thread.id)).toEqual([created.id]);
      expect(page.pagination).toMatchObject({ has_more: false });
    });

    it("posts, reads, edits, reacts to, finds and deletes messages", async () => {
      const user = await newUser(h);
      const thread = await unwrap(user.api.POST("/threads", { body: { title: "msgs" } }));
      const posted = toolData<{ id: string; text: string }>(
        await user.mcp.callTool({ name: "create_message", arguments: { id: thread.id, text: "marmalade forecast" } }),
      ).data;
      const got = toolData(
        await user.mcp.callTool({ name: "get_message", arguments: { id: thread.id, message_id: posted.id } }),
      ).data;
      expect(got).toEqual(
        await unwrap(
          user.api.GET("/threads/{id}/messages/{message_id}", {
            params: { path: { id: thread.id, message_id: posted.id } },
          }),
        ),
      );
      const ids = { id: thread.id, message_id: posted.id };
      const edited = toolData<{ text: string }>(
        await user.mcp.callTool({ name: "update_message", arguments: { ...ids, text: "marmalade outlook" } }),
      ).data;
      expect(edited.text).toBe("marmalade outlook");
      toolData(await user.mcp.callTool({ name: "add_reaction", arguments: { ...ids, emoji: "tada" } }));
      const listed = toolData<{ id: string; reactions: { emoji: string; count: number }[] }[]>(
        await user.mcp.callTool({ name: "list_messages", arguments: { id: thread.id } }),
      ).data;
      expect(listed[0]?.reactions).toEqual([expect.objectContaining({ emoji: "tada", count: 1 })]);
      expect(
        toolData(await user.mcp.callTool({ name: "remove_reaction", arguments: { ...ids, emoji: "tada" } })),
      ).toEqual({});
      const hits = toolData<{ message_id: string }[]>(
        await user.mcp.callTool({ name: "search_messages", arguments: { q: "outlook" } }),
      ).data;
      expect(hits.map((hit) => hit.message_id)).toEqual([posted.id]);
      expect(toolData(await user.mcp.callTool({ name: "delete_message", arguments: ids }))).toEqual({});
      const after = await unwrap(user.api.GET("/threads/{id}/messages/{message_id}", { params: { path: ids } }));
      expect(after.deleted_at).not.toBeNull();
    });

    it("streams a reply with start, append (keeping the offsets rule) and complete", async () => {
      const user = await newUser(h);
      const thread = await unwrap(user.api.POST("/threads", { body: { title: "stream" } }));
      const started = toolData<{ id: string; state: string }>(
        await user.mcp.callTool({ name: "create_message", arguments: { id: thread.id, streaming: true } }),
      ).data;
      expect(started.state).toBe("STREAMING");
      const ids = { id: thread.id, message_id: started.id };
      toolData(
        await user.mcp.callTool({ name: "append_message_delta", arguments: { ...ids, offset: 0, text: "Hello" } }),
      );
      // A retried delta (same offset, already stored) is applied once.
      toolData(
        await user.mcp.callTool({ name: "append_message_delta", arguments: { ...ids, offset: 0, text: "Hello" } }),
      );
      const gap = toolProblem(
        await user.mcp.callTool({ name: "append_message_delta", arguments: { ...ids, offset: 99, text: "!" } }),
      );
      expect(gap.status).toBe(409);
      toolData(
        await user.mcp.callTool({ name: "append_message_delta", arguments: { ...ids, offset: 5, text: ", world" } }),
      );
      const done = toolData<{ text: string; state: string }>(
        await user.mcp.callTool({ name: "complete_message", arguments: ids }),
      ).data;
      expect(done).toMatchObject({ text: "Hello, world", state: "COMPLETE" });
    });

    it("keeps memory, publishes artifacts, sets activity and lists interactions and events", async () => {
      const user = await newUser(h);
      const thread = await unwrap(user.api.POST("/threads", { body: { title: "work" } }));
      const id = thread.id;
      const patched = toolData<{ memory: Record<string, unknown> }>(
        await user.mcp.callTool({ name: "update_thread_memory", arguments: { id, body: { goal: "ship", n: 1 } } }),
      ).data;
      expect(patched.memory).toEqual({ goal: "ship", n: 1 });
      expect(toolData(await user.mcp.callTool({ name: "get_thread_memory", arguments: { id } })).data).toEqual(patched);

      const artifact = toolData<{ id: string; version: number }>(
        await user.mcp.callTool({
          name: "create_artifact",
          arguments: { id, body: { type: "DOCUMENT", title: "Notes", content: { format: "text", body: "v1" } } },
        }),
      ).data;
      const updated = toolData<{ title: string; version: number }>(
        await user.mcp.callTool({
          name: "update_artifact",
          arguments: { id, artifact_id: artifact.id, title: "Notes v2", if_match: `"${artifact.version}"` },
        }),
      ).data;
      expect(updated).toMatchObject({ title: "Notes v2", version: 2 });
      const fetched = toolData(
        await user.mcp.callTool({ name: "get_artifact", arguments: { id, artifact_id: artifact.id } }),
      );
      expect(fetched.data).toEqual(
        await unwrap(
          user.api.GET("/threads/{id}/artifacts/{artifact_id}", { params: { path: { id, artifact_id: artifact.id } } }),
        ),
      );
      const artifacts = toolData<{ id: string }[]>(
        await user.mcp.callTool({ name: "list_artifacts", arguments: { id } }),
      );
      expect(artifacts.data.map((item) => item.id)).toEqual([artifact.id]);

      toolData(await user.mcp.callTool({ name: "set_activity_status", arguments: { id, text: "reading…" } }));
      const statuses = await unwrap(user.api.GET("/threads/{id}/activity", { params: { path: { id } } }));
      expect(statuses.map((status) => status.text)).toEqual(["reading…"]);

      const events = toolData<{ seq: number; type: string }[]>(
        await user.mcp.callTool({ name: "list_thread_events", arguments: { id, after: 0 } }),
      ).data;
      expect(events.map((event) => event.type)).toEqual([
        "thread.created",
        "memory.updated",
        "artifact.created",
        "artifact.updated",
      ]);
      expect(toolData(await user.mcp.callTool({ name: "list_interactions", arguments: { id } })).data).toEqual([]);
    });

    it("reads a form submission made in the thread", async () => {
      const user = await newUser(h);
      const thread = await unwrap(user.api.POST("/threads", { body: { title: "form" } }));
      const message = await unwrap(
        user.api.POST("/threads/{id}/messages", {
          params: { path: { id: thread.id } },
          body: {
            text: "Approve?",
            blocks: [
              {
                type: "actions",
                block_id: "b",
                elements: [{ type: "button", action_id: "go", text: { type: "plain_text", text: "Go" } }],
              },
            ],
          },
        }),
      );
      await unwrap(
        user.api.POST("/threads/{id}/messages/{message_id}/actions", {
          params: { path: { id: thread.id, message_id: message.id } },
          body: { block_id: "b", action_id: "go" },
        }),
      );
      const interactions = toolData<{ message_id: string; action: { action_id: string } }[]>(
        await user.mcp.callTool({ name: "list_interactions", arguments: { id: thread.id } }),
      ).data;
      expect(interactions).toEqual([
        expect.objectContaining({ message_id: message.id, action: expect.objectContaining({ action_id: "go" }) }),
      ]);
    });

    it("reads a file's metadata and makes a download link for it", async () => {
      const user = await newUser(h);
      const uploaded = await h.fetch(
        new Request(`${h.baseUrl}/files?filename=notes.txt`, {
          method: "POST",
          headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "text/plain" },
          body: "file body",
        }),
      );
      const file = (await uploaded.json<{ data: { id: string } }>()).data;
      const got = toolData(await user.mcp.callTool({ name: "get_file", arguments: { id: file.id } })).data;
      expect(got).toEqual(await unwrap(user.api.GET("/files/{id}", { params: { path: { id: file.id } } })));
      const link = toolData<{ url: string }>(
        await user.mcp.callTool({ name: "create_download_link", arguments: { id: file.id } }),
      ).data;
      const download = await h.fetch(new Request(link.url));
      expect(await download.text()).toBe("file body");
    });

    it("makes one message of a write retried with the same idempotency_key", async () => {
      const user = await newUser(h);
      const thread = await unwrap(user.api.POST("/threads", { body: { title: "retry" } }));
      const post = (key: string) =>
        user.mcp.callTool({
          name: "create_message",
          arguments: { id: thread.id, text: "only once", idempotency_key: key },
        });
      const first = toolData<{ id: string }>(await post("agent-retry-1")).data;
      const second = toolData<{ id: string }>(await post("agent-retry-1")).data;
      expect(second).toEqual(first);
      const messages = await unwrap(user.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
      expect(messages.map((message) => message.id)).toEqual([first.id]);
      // Another key is another message.
      const other = toolData<{ id: string }>(await post("agent-retry-2")).data;
      expect(other.id).not.toBe(first.id);
    });
  });

  describe("MCP tool errors carry the API's problem", () => {
    it("answers another user's thread with the not-found tool error", async () => {
      const owner = await newUser(h);
      const thread = await unwrap(owner.api.POST("/threads", { body: { title: "mine" } }));
      const other = await newUser(h);
      const problem = toolProblem(await other.mcp.callTool({ name: "get_thread", arguments: { id: thread.id } }));
      expect(problem).toMatchObject({ status: 404, title: expect.any(String), detail: expect.any(String) });
      expect(problem.type).toMatch(/\/not-found$/);
      const posting = toolProblem(
        await other.mcp.callTool({ name: "create_message", arguments: { id: thread.id, text: "hi" } }),
      );
      expect(posting.status).toBe(404);
    });

    it("answers a call the key's scopes do not allow with the forbidden tool error", async () => {
      const owner = await newUser(h, "ADMIN");
      const thread = await unwrap(owner.api.POST("/threads", { body: { title: "keyed" } }));
      const key = await h.createApiKey(["threads:read", "threads:all"]);
      const reader = await mcpClient(h, key.secret);
      expect(toolData(await reader.callTool({ name: "get_thread", arguments: { id: thread.id } })).data).toMatchObject({
        id: thread.id,
      });
      const problem = toolProblem(
        await reader.callTool({ name: "create_message", arguments: { id: thread.id, text: "not allowed" } }),
      );
      expect(problem).toMatchObject({ status: 403 });
      expect(problem.type).toMatch(/\/forbidden$/);
      expect(problem.detail).toContain("messages:write");
      const messages = await unwrap(owner.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
      expect(messages).toEqual([]);
    });

    it("answers invalid arguments with the validation problem listing each failing field", async () => {
      const user = await newUser(h);
      const thread = await unwrap(user.api.POST("/threads", { body: { title: "bad" } }));
      const problem = toolProblem(
        await user.mcp.callTool({ name: "create_message", arguments: { id: thread.id, text: "x".repeat(40_001) } }),
      );
      expect(problem.status).toBe(400);
      expect(problem.errors?.map((error) => error.path)).toEqual(["body.text"]);
    });
  });
};

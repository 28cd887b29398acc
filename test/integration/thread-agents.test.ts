import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { sqlDate } from "../../src/repositories/d1";
import { anonymousHttp, clientWith, createApiKey, signIn } from "../support/api";
import {
  type Api,
  addAgent,
  allEvents,
  newAgent,
  newMemberAgent,
  newThread,
  newUser,
  post,
  problemOf,
  removeAgent,
} from "../support/conversations";
import { connectSocket, readEventStream } from "../support/event-stream";

/**
 * Least privilege for API keys (issue 24): a member-only key reaches only the threads it was added to,
 * like a Slack app in its channels; a workspace-wide key (`threads:all`) reaches every thread as before.
 * The access matrix runs every operation with a member-only key in and out of the thread; these tests
 * follow one key through being added, used and removed.
 */

const SSE = { Accept: "text/event-stream" };
const FULL_AGENT = [
  "threads:read",
  "threads:write",
  "messages:write",
  "artifacts:write",
  "files:read",
  "files:write",
] as const;

const threadOf = (api: Api, id: string) => api.GET("/threads/{id}", { params: { path: { id } } });
const threadIdsListed = async (api: Api) => (await unwrap(api.GET("/threads", {}))).map((thread) => thread.id);
const agentsOf = async (api: Api, threadId: string) =>
  unwrap(api.GET("/threads/{id}/agents", { params: { path: { id: threadId } } }));
const uniqueWord = () => `zq${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

describe("a member-only key", () => {
  it("reaches no thread until it is added, everything in it once added, and nothing again once removed", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent([...FULL_AGENT]);
    const thread = await newThread(ada.api, { messages: [{ text: "hello agent" }] });

    const refused = await threadOf(agent.api, thread.id);
    expect(refused.response.status).toBe(404);
    expect((await agent.http(`/threads/${thread.id}/messages`, { method: "GET" })).status).toBe(404);
    expect(await threadIdsListed(agent.api)).toEqual([]);

    const { data: added, response } = await ada.api.PUT("/threads/{id}/agents/{key_id}", {
      params: { path: { id: thread.id, key_id: agent.id } },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("Location")).toBe(`/threads/${thread.id}/agents`);
    expect(added?.data).toMatchObject({ thread_id: thread.id, api_key_id: agent.id, added_by: ada.id });

    expect((await threadOf(agent.api, thread.id)).response.status).toBe(200);
    const reply = await post(agent.api, thread.id, "happy to help");
    expect(reply).toMatchObject({ thread_id: thread.id, author: { type: "api_key", id: agent.id } });
    expect(await threadIdsListed(agent.api)).toEqual([thread.id]);
    expect((await agentsOf(agent.api, thread.id)).map((row) => row.api_key_id)).toEqual([agent.id]);

    await removeAgent(ada.api, thread.id, agent.id);
    expect((await threadOf(agent.api, thread.id)).response.status).toBe(404);
    const posted = await agent.http(`/threads/${thread.id}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: "still here?" }),
    });
    expect(posted.status).toBe(404);
    expect(await threadIdsListed(agent.api)).toEqual([]);
    // Its message stays in the thread, as a Slack app's do once it leaves a channel.
    expect((await allEvents(ada.api, thread.id)).filter((event) => event.type === "message.created")).toHaveLength(2);
  });

  it("becomes a member of a thread it creates for a user, and the user sees it listed", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const thread = await newThread(agent.api, { owner_id: ada.id, title: "Opened by the agent" });
    expect((await threadOf(agent.api, thread.id)).response.status).toBe(200);
    expect(await agentsOf(ada.api, thread.id)).toEqual([
      expect.objectContaining({ api_key_id: agent.id, added_by: null }),
    ]);
  });

  it("does not reach the user's other threads through one it is in", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const [inside, outside] = await Promise.all([newThread(ada.api), newThread(ada.api)]);
    await addAgent(ada.api, inside.id, agent.id);
    expect((await threadOf(agent.api, inside.id)).response.status).toBe(200);
    const problem = await threadOf(agent.api, outside.id);
    expect(problem.response.status).toBe(404);
    expect(await threadIdsListed(agent.api)).toEqual([inside.id]);
  });

  it("searches only the threads it is in", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const agent = await newMemberAgent(["threads:read"]);
    const word = uniqueWord();
    const [inside, outside, bobs] = await Promise.all([newThread(ada.api), newThread(ada.api), newThread(bob.api)]);
    const found = await post(ada.api, inside.id, `inside ${word}`);
    await post(ada.api, outside.id, `outside ${word}`);
    await post(bob.api, bobs.id, `bob's ${word}`);
    const search = async () =>
      (await unwrap(agent.api.GET("/search/messages", { params: { query: { q: word } } }))).map(
        (hit) => hit.message_id,
      );

    expect(await search()).toEqual([]);
    await addAgent(ada.api, inside.id, agent.id);
    expect(await search()).toEqual([found.id]);
    await removeAgent(ada.api, inside.id, agent.id);
    expect(await search()).toEqual([]);
  });

  it("searches exactly its threads when it is in more than FTS5 is told about (500)", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent(["threads:read"]);
    const word = uniqueWord();
    const [inside, outside] = await Promise.all([newThread(ada.api), newThread(ada.api)]);
    const found = await post(ada.api, inside.id, `inside ${word}`);
    await post(ada.api, outside.id, `outside ${word}`);
    await addAgent(ada.api, inside.id, agent.id);
    // 510 more memberships, straight into D1: threads of Ada's the key is in, with nothing to find.
    const now = sqlDate(new Date());
    const ids = Array.from({ length: 510 }, () => `seed${crypto.randomUUID().replaceAll("-", "")}`);
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO threads (id, owner_id, title, created_at, updated_at)
         SELECT value, ?, 'seeded', ?, ? FROM json_each(?)`,
      ).bind(ada.id, now, now, JSON.stringify(ids)),
      env.DB.prepare(
        "INSERT INTO thread_agents (thread_id, api_key_id, created_at) SELECT value, ?, ? FROM json_each(?)",
      ).bind(agent.id, now, JSON.stringify(ids)),
    ]);
    const hits = await unwrap(agent.api.GET("/search/messages", { params: { query: { q: word } } }));
    expect(hits.map((hit) => hit.message_id)).toEqual([found.id]);
  });

  it("reads the files of the threads it is in and its own uploads, and deletes only its own", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent([...FULL_AGENT]);
    const [inside, outside] = await Promise.all([newThread(ada.api), newThread(ada.api)]);
    await addAgent(ada.api, inside.id, agent.id);
    const upload = async (http: (path: string, init?: RequestInit) => Promise<Response>, threadId?: string) => {
      const query = threadId ? `&thread_id=${threadId}` : "";
      const response = await http(`/files?filename=note.txt${query}`, {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: "a note",
      });
      expect(response.status).toBe(201);
      return (await response.json<{ data: { id: string } }>()).data.id;
    };
    const adasInside = await upload(ada.http, inside.id);
    const adasOutside = await upload(ada.http, outside.id);
    const adasLoose = await upload(ada.http);
    const agents = await upload(agent.http, inside.id);

    const status = async (path: string, method = "GET") => (await agent.http(path, { method })).status;
    expect(await status(`/files/${adasInside}`)).toBe(200);
    expect(await status(`/files/${adasInside}/content`)).toBe(200);
    expect(await status(`/files/${adasOutside}`)).toBe(404);
    expect(await status(`/files/${adasLoose}`)).toBe(404);
    expect(await status(`/files/${adasInside}`, "DELETE")).toBe(404);

    await removeAgent(ada.api, inside.id, agent.id);
    expect(await status(`/files/${adasInside}`)).toBe(404);
    // What it uploaded stays its own.
    expect(await status(`/files/${agents}`)).toBe(200);
    expect(await status(`/files/${agents}`, "DELETE")).toBe(204);
  });
});

describe("removing a key ends its live streams of the thread", () => {
  it("SSE: the key's stream ends after thread.agent_removed with a reset (access_removed); the owner's goes on", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const thread = await newThread(ada.api);
    await addAgent(ada.api, thread.id, agent.id);
    const [agentStream, adaStream] = await Promise.all([
      agent.http(`/threads/${thread.id}/events?after=2`, { headers: SSE }),
      ada.http(`/threads/${thread.id}/events?after=2`, { headers: SSE }),
    ]);
    const [agentFrames, adaFrames] = [readEventStream(agentStream), readEventStream(adaStream)];

    await removeAgent(ada.api, thread.id, agent.id);
    const [removed, reset] = await agentFrames.take(2);
    expect(removed).toMatchObject({ event: "thread.agent_removed", data: { data: { api_key_id: agent.id } } });
    expect(reset).toEqual({ event: "reset", data: { reason: "access_removed" } });
    expect(await agentFrames.end()).toBe(true);

    const message = await post(ada.api, thread.id, "the owner goes on");
    const seen = await adaFrames.take(2);
    expect(seen.map((frame) => frame.event)).toEqual(["thread.agent_removed", "message.created"]);
    expect(seen[1]?.data.data).toMatchObject({ id: message.id });
    await adaFrames.close();
  });

  it("WebSocket: the key's socket gets the reset and close code 4000", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const thread = await newThread(ada.api);
    await addAgent(ada.api, thread.id, agent.id);
    const socket = await connectSocket(agent.http, `/threads/${thread.id}/events?after=2`);
    await removeAgent(ada.api, thread.id, agent.id);
    await socket.until("the close", () => socket.closed() !== undefined);
    expect(socket.frames.map((frame) => frame.event)).toEqual(["thread.agent_removed", "reset"]);
    expect(socket.frames.at(-1)?.data).toEqual({ reason: "access_removed" });
    expect(socket.closed()?.code).toBe(4000);
  });

  it("a stream token the key got before opens nothing once it is removed", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const thread = await newThread(ada.api);
    await addAgent(ada.api, thread.id, agent.id);
    const { token } = await unwrap(agent.api.POST("/stream-tokens", { body: { thread_id: thread.id } }));
    await removeAgent(ada.api, thread.id, agent.id);
    const response = await anonymousHttp(`/threads/${thread.id}/events?token=${token}`, { headers: SSE });
    expect(response.status).toBe(404);
  });
});

describe("adding and removing agents", () => {
  it("logs thread.agent_added and thread.agent_removed once each; doing either again changes nothing", async () => {
    const ada = await newUser();
    const agent = await newMemberAgent();
    const thread = await newThread(ada.api);
    await addAgent(ada.api, thread.id, agent.id);
    const again = await ada.api.PUT("/threads/{id}/agents/{key_id}", {
      params: { path: { id: thread.id, key_id: agent.id } },
    });
    expect(again.response.status).toBe(200);
    await removeAgent(ada.api, thread.id, agent.id);
    await removeAgent(ada.api, thread.id, agent.id);
    const events = (await allEvents(ada.api, thread.id)).filter((event) => event.type.startsWith("thread.agent"));
    expect(events).toEqual([
      expect.objectContaining({
        type: "thread.agent_added",
        actor: { type: "user", id: ada.id },
        data: expect.objectContaining({ api_key_id: agent.id, added_by: ada.id }),
      }),
      expect.objectContaining({
        type: "thread.agent_removed",
        data: expect.objectContaining({ api_key_id: agent.id }),
      }),
    ]);
  });

  it("an admin adds a key to anyone's thread; another user cannot (404)", async () => {
    const [ada, bob, admin] = await Promise.all([newUser(), newUser(), newUser("ADMIN")]);
    const agent = await newMemberAgent();
    const thread = await newThread(ada.api);
    const { response } = await bob.api.PUT("/threads/{id}/agents/{key_id}", {
      params: { path: { id: thread.id, key_id: agent.id } },
    });
    expect(response.status).toBe(404);
    await addAgent(admin.api, thread.id, agent.id);
    expect((await agentsOf(ada.api, thread.id)).map((row) => row.added_by)).toEqual([admin.id]);
  });

  it("refuses a workspace-wide key (409), since it reaches every thread already", async () => {
    const ada = await newUser();
    const operator = await newAgent();
    const thread = await newThread(ada.api);
    const response = await ada.http(`/threads/${thread.id}/agents/${operator.id}`, { method: "PUT" });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("workspace-wide");
  });

  it("answers 404 for an unknown or revoked key", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const unknown = await ada.http(`/threads/${thread.id}/agents/cnokey0000000000000000000`, { method: "PUT" });
    expect(unknown.status).toBe(404);
    const admin = clientWith((await signIn("ADMIN")).access_token);
    const key = await unwrap(admin.POST("/api-keys", { body: { name: "gone", scopes: ["threads:read"] } }));
    await admin.DELETE("/api-keys/{id}", { params: { path: { id: key.id } } });
    const revoked = await ada.http(`/threads/${thread.id}/agents/${key.id}`, { method: "PUT" });
    expect(revoked.status).toBe(404);
    expect((await problemOf(revoked)).detail).toContain(key.id);
  });

  /** `count` member-only keys in the thread, straight into D1 (making them through the API would take minutes). */
  const seedAgents = async (threadId: string, count: number) => {
    const now = sqlDate(new Date());
    const keys = Array.from({ length: count }, () => `seed${crypto.randomUUID().replaceAll("-", "")}`);
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at)
         SELECT value, 'seeded', 'p' || value, 'h' || value, '["threads:read"]', ? FROM json_each(?)`,
      ).bind(now, JSON.stringify(keys)),
      env.DB.prepare(
        "INSERT INTO thread_agents (thread_id, api_key_id, created_at) SELECT ?, value, ? FROM json_each(?)",
      ).bind(threadId, now, JSON.stringify(keys)),
    ]);
    return keys;
  };

  it("a thread has at most 100 agents: the 101st answers 409 until one is removed", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const keys = await seedAgents(thread.id, 100);
    const agent = await newMemberAgent();
    const full = await ada.http(`/threads/${thread.id}/agents/${agent.id}`, { method: "PUT" });
    expect(full.status).toBe(409);
    expect((await problemOf(full)).detail).toContain("at most 100 agents");
    expect(await agentsOf(ada.api, thread.id)).toHaveLength(100);

    await removeAgent(ada.api, thread.id, keys[0] ?? "");
    await addAgent(ada.api, thread.id, agent.id);
    expect((await threadOf(agent.api, thread.id)).response.status).toBe(200);
  });

  it("a revoked key leaves the thread's list and makes room for another", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const [revoked] = await seedAgents(thread.id, 100);
    const admin = clientWith((await signIn("ADMIN")).access_token);
    await admin.DELETE("/api-keys/{id}", { params: { path: { id: revoked ?? "" } } });
    const listed = await agentsOf(ada.api, thread.id);
    expect(listed).toHaveLength(99);
    expect(listed.map((row) => row.api_key_id)).not.toContain(revoked);
    const agent = await newMemberAgent();
    await addAgent(ada.api, thread.id, agent.id);
    expect(await agentsOf(ada.api, thread.id)).toHaveLength(100);
  });
});

describe("workspace-wide keys", () => {
  it("reach every user's threads without being added, as every key did before", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const operator = await newAgent(["threads:read"]);
    const [adas, bobs] = await Promise.all([newThread(ada.api), newThread(bob.api)]);
    expect((await threadOf(operator.api, adas.id)).response.status).toBe(200);
    expect((await threadOf(operator.api, bobs.id)).response.status).toBe(200);
    const listed = await unwrap(operator.api.GET("/threads", { params: { query: { limit: 100 } } }));
    expect(listed.map((thread) => thread.id)).toEqual(expect.arrayContaining([adas.id, bobs.id]));
  });

  it("are made by admins only: a user asking for one (or any key) gets 403", async () => {
    const ada = await newUser();
    const response = await ada.http("/api-keys", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "mine", scopes: ["threads:read", "threads:all"] }),
    });
    expect(response.status).toBe(403);
    const key = await createApiKey(["threads:read", "threads:all"], "operator");
    expect(key.scopes).toEqual(expect.arrayContaining(["threads:read", "threads:all"]));
  });

  it("keys made before member-only keys existed become workspace-wide (migration 0011)", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    // A key as the older service stored it: its scopes without threads:all.
    const legacy = await createApiKey(["threads:read"], "legacy");
    expect((await threadOf(clientWith(legacy.secret), thread.id)).response.status).toBe(404);
    const migration = env.TEST_MIGRATIONS.find(({ name }) => name === "0011_thread_agents.sql");
    const statement = migration?.queries.find((query) => query.includes('UPDATE "api_keys"'));
    if (!statement) throw new Error("migration 0011 has no UPDATE of api_keys");
    const update = statement.slice(statement.indexOf('UPDATE "api_keys"'));
    // The migration's own statement, narrowed to this key so the other tests' keys stay as they are.
    await env.DB.prepare(`${update.trim().replace(/;$/, "")} AND "api_keys"."id" = ?`)
      .bind(legacy.id)
      .run();
    expect((await threadOf(clientWith(legacy.secret), thread.id)).response.status).toBe(200);
    const adding = await ada.http(`/threads/${thread.id}/agents/${legacy.id}`, { method: "PUT" });
    expect(adding.status).toBe(409);
  });
});

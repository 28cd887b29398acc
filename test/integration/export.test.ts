import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type components, unwrap } from "../../sdk/src";
import { BASE_URL } from "../support/api";
import { type Api, json, newAgent, newThread, newUser, post, problemOf, seedMessages } from "../support/conversations";

type ThreadExport = components["schemas"]["ThreadExport"];
type Message = components["schemas"]["Message"];

const exportOf = async (http: (path: string, init?: RequestInit) => Promise<Response>, id: string) => {
  const response = await http(`/threads/${id}/export`);
  expect(response.status).toBe(200);
  return (await response.json()) as ThreadExport;
};

/** Every message of the thread as the list gives them, oldest first, page by page. */
const allMessages = async (api: Api, id: string) => {
  const messages: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.GET("/threads/{id}/messages", {
      params: { path: { id }, query: { order: "asc", limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    if (!page.data) throw new Error("listing messages failed");
    messages.push(...page.data.data);
    cursor = page.data.pagination.next_cursor ?? undefined;
  } while (cursor);
  return messages;
};

/** A thread with something of every kind: replies, a reaction, an attachment, memory, a versioned artifact, a click. */
const busyThread = async () => {
  const ada = await newUser();
  const agent = await newAgent(["threads:read", "threads:write", "messages:write", "artifacts:write", "files:write"]);
  const thread = await newThread(ada.api, { title: "Q3 churn review", messages: [{ text: "What changed in Q3?" }] });
  const base = `/threads/${thread.id}`;
  const question = await post(ada.api, thread.id, "And which segment?");
  const upload = await agent.http("/files?filename=q3.csv", {
    method: "POST",
    headers: { "Content-Type": "text/csv" },
    body: "segment,churn\nsmb,4.1\n",
  });
  const file = (await upload.json<{ data: { id: string } }>()).data;
  const answer = await unwrap(
    agent.api.POST("/threads/{id}/messages", {
      params: { path: { id: thread.id } },
      body: {
        role: "ASSISTANT",
        text: "SMB churn fell most.",
        parent_id: question.id,
        file_ids: [file.id],
        blocks: [
          {
            type: "actions",
            block_id: "next",
            elements: [{ type: "button", action_id: "more", text: { type: "plain_text", text: "More" }, value: "1" }],
          },
        ],
      },
    }),
  );
  await post(ada.api, thread.id, "Thanks!");
  expect((await ada.http(`${base}/messages/${answer.id}/reactions/tada`, { method: "PUT" })).status).toBe(200);
  expect((await agent.http(`${base}/memory`, json("PUT", { customer: "Acme" }))).status).toBe(200);
  const published = await agent.http(
    `${base}/artifacts`,
    json("POST", {
      type: "INSIGHT",
      title: "Churn is down",
      content: { claim: "Down.", confidence: 0.8, evidence: [] },
    }),
  );
  const artifact = (await published.json<{ data: { id: string } }>()).data;
  expect(
    (await agent.http(`${base}/artifacts/${artifact.id}`, json("PATCH", { summary: "SMB" }, { "If-Match": '"1"' })))
      .status,
  ).toBe(200);
  const clicked = await ada.http(
    `${base}/messages/${answer.id}/actions`,
    json("POST", { block_id: "next", action_id: "more" }),
  );
  expect(clicked.status).toBe(201);
  return { ada, agent, thread, artifactId: artifact.id };
};

describe("exporting a thread as JSON", () => {
  it("is made of the very objects the REST reads answer", async () => {
    const { ada, thread, artifactId } = await busyThread();
    const response = await ada.http(`/threads/${thread.id}/export`);
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="thread-${thread.id}.json"`);
    const exported = (await response.json()) as ThreadExport;
    const path = { params: { path: { id: thread.id } } };

    expect(exported.thread).toEqual(await unwrap(ada.api.GET("/threads/{id}", path)));
    expect(exported.memory).toEqual(await unwrap(ada.api.GET("/threads/{id}/memory", path)));
    const messages = await allMessages(ada.api, thread.id);
    expect(messages).toHaveLength(4);
    expect(exported.messages).toEqual(messages);
    // Replies, reactions (with the caller's `me`) and attachments' metadata are in it.
    const reply = exported.messages.find((message) => message.parent_id !== null);
    expect(reply?.reactions).toEqual([{ emoji: "tada", count: 1, me: true }]);
    expect(reply?.attachments.map((file) => file.filename)).toEqual(["q3.csv"]);

    const artifacts = await unwrap(ada.api.GET("/threads/{id}/artifacts", path));
    expect(exported.artifacts.map((entry) => entry.artifact)).toEqual(artifacts);
    const versions = await unwrap(
      ada.api.GET("/threads/{id}/artifacts/{artifact_id}/versions", {
        params: { path: { id: thread.id, artifact_id: artifactId } },
      }),
    );
    expect(versions.map((version) => version.version)).toEqual([2, 1]);
    expect(exported.artifacts[0]?.versions).toEqual(versions);
    expect(exported.interactions).toEqual(await unwrap(ada.api.GET("/threads/{id}/interactions", path)));
  });

  it("exports an empty thread", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const exported = await exportOf(ada.http, thread.id);
    expect(exported).toMatchObject({
      messages: [],
      artifacts: [],
      interactions: [],
      memory: { version: 0, memory: {} },
    });
  });
});

describe("exporting a thread as Markdown", () => {
  it("is a transcript with the messages in order, replies marked", async () => {
    const { ada, thread } = await busyThread();
    const response = await ada.http(`/threads/${thread.id}/export`, { headers: { Accept: "text/markdown" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="thread-${thread.id}.md"`);
    const text = await response.text();
    expect(text.startsWith("# Q3 churn review\n")).toBe(true);
    const order = ["What changed in Q3?", "And which segment?", "SMB churn fell most.", "Thanks!"].map((line) =>
      text.indexOf(line),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("> **#4** · ↳ reply to #3 · ASSISTANT");
    expect(text).toContain("> 📎 q3.csv (22 B, text/csv)");
    expect(text).toContain("> Reactions: :tada: 1");
    expect(text).toContain('"customer": "Acme"');
    expect(text).toContain("### INSIGHT · Churn is down (version 2)");
    expect(text).toContain("`next/more` (button) = 1");
  });

  it("answers 406 for an Accept it cannot meet, and picks by weight", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const refused = await ada.http(`/threads/${thread.id}/export`, { headers: { Accept: "text/html" } });
    expect(refused.status).toBe(406);
    expect((await problemOf(refused)).type).toMatch(/not-acceptable$/);
    const bare = await ada.http(`/threads/${thread.id}/export`, { headers: { Accept: "application/problem+json" } });
    expect(bare.status).toBe(406);
    expect(bare.headers.get("Content-Type")).toBe("application/problem+json");
    const weighed = await ada.http(`/threads/${thread.id}/export`, {
      headers: { Accept: "application/json;q=0.5, text/*" },
    });
    expect(weighed.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
    await weighed.body?.cancel();
  });
});

describe("who may export", () => {
  it("the owner and admins; other users get 404, API keys 403, anonymous 401", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "mine" }] });
    const admin = await newUser("ADMIN");
    const other = await newUser();
    const agent = await newAgent(["threads:read", "threads:write"]);
    expect((await exportOf(ada.http, thread.id)).messages).toHaveLength(1);
    expect((await exportOf(admin.http, thread.id)).messages).toHaveLength(1);
    expect((await other.http(`/threads/${thread.id}/export`)).status).toBe(404);
    expect((await agent.http(`/threads/${thread.id}/export`)).status).toBe(403);
    const anonymous = await exports.default.fetch(new Request(new URL(`/threads/${thread.id}/export`, BASE_URL)));
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });
});

/**
 * Reads an export as a client would, chunk by chunk, never holding the body: each message line is parsed on its
 * own and replaced by `0`, so the rest (the document with a 0 for every message) is small enough to parse whole,
 * which proves the document as a whole is JSON.
 */
const readIncrementally = async (body: ReadableStream<Uint8Array>) => {
  const decoder = new TextDecoder();
  let pending = "";
  let skeleton = "";
  let chunks = 0;
  let largestChunk = 0;
  let bytes = 0;
  let messages = 0;
  let lastSeq = 0;
  let inMessages = false;
  const take = (line: string) => {
    if (line.startsWith('"messages":')) inMessages = true;
    else if (inMessages && line.startsWith("]")) inMessages = false;
    else if (inMessages) {
      const message = JSON.parse(line.replace(/,$/, "")) as Message;
      expect(message.seq).toBeGreaterThan(lastSeq);
      lastSeq = message.seq;
      messages += 1;
      skeleton += line.endsWith(",") ? "0,\n" : "0\n";
      return;
    }
    skeleton += `${line}\n`;
  };
  for await (const chunk of body) {
    chunks += 1;
    bytes += chunk.byteLength;
    largestChunk = Math.max(largestChunk, chunk.byteLength);
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) take(line);
  }
  take(pending);
  return { document: JSON.parse(skeleton) as ThreadExport, messages, lastSeq, chunks, largestChunk, bytes };
};

describe("a large thread", () => {
  // Seeded straight into D1 and exported in about 11–15 s on the 2-core machine; bench/export.mjs times the export.
  const COUNT = 100_000;

  it("streams page by page, every message once and in order", { timeout: 120_000 }, async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await seedMessages(thread.id, ada.id, COUNT);
    const response = await exports.default.fetch(
      new Request(new URL(`/threads/${thread.id}/export`, BASE_URL), {
        headers: { Authorization: `Bearer ${ada.token}` },
      }),
    );
    expect(response.status).toBe(200);
    if (!response.body) throw new Error("no body");
    const read = await readIncrementally(response.body);
    expect(read.messages).toBe(COUNT);
    expect(read.lastSeq).toBe(COUNT + 1);
    expect(read.document.thread.message_count).toBe(COUNT);
    // Written a page at a time: many pieces, none near the whole (about 47 MB here).
    expect(read.chunks).toBeGreaterThanOrEqual(COUNT / 100);
    expect(read.largestChunk).toBeLessThan(64 * 1024);
  });
});

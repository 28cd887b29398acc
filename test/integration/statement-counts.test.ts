import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { client, http } from "../support/api";
import { json, newAgent } from "../support/conversations";

// How many D1 statements each key endpoint runs (Server-Timing's `db` metric), pinned: a query added to a hot
// path, or one per row (N+1), fails here. The admin's session is checked just before, so each count is the endpoint's
// own work (the session cache spares the session check; see session-cache.test.ts).

const statementsOf = async (path: string, init?: RequestInit) => {
  // Right before, so the session is fresh in the cache however long the setup took.
  await http("/me");
  const response = await http(path, init);
  expect(response.status, `${init?.method ?? "GET"} ${path}`).toBeLessThan(300);
  return Number(/D1, (\d+) statements?/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);
};

/** A thread of the admin's with `count` messages, each with a reaction, and a file attached to the first. */
const threadWith = async (count: number) => {
  const uploaded = await http("/files?filename=a.txt", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: "attached",
  });
  const file = (await uploaded.json<{ data: { id: string } }>()).data;
  const thread = await unwrap(
    client.POST("/threads", {
      body: {
        title: "counted",
        messages: Array.from({ length: count }, (_, i) => ({
          text: `message ${i}`,
          ...(i === 0 ? { file_ids: [file.id] } : {}),
        })),
      },
    }),
  );
  const messages = await unwrap(
    client.GET("/threads/{id}/messages", { params: { path: { id: thread.id }, query: { limit: 100 } } }),
  );
  for (const message of messages) {
    await unwrap(
      client.PUT("/threads/{id}/messages/{message_id}/reactions/{emoji}", {
        params: { path: { id: thread.id, message_id: message.id, emoji: "tada" } },
      }),
    );
  }
  return { thread, file };
};

describe("D1 statements per request", () => {
  it("stays fixed for each key endpoint", async () => {
    const { thread, file } = await threadWith(3);
    const artifact = await unwrap(
      client.POST("/threads/{id}/artifacts", {
        params: { path: { id: thread.id } },
        body: { type: "INSIGHT", title: "x", content: { claim: "c", confidence: 0.5, evidence: [] } },
      }),
    );
    const counts = {
      "GET /users": await statementsOf("/users?limit=20"),
      "GET /threads": await statementsOf("/threads?limit=20"),
      "GET /threads/{id}": await statementsOf(`/threads/${thread.id}`),
      "GET /threads/{id}/messages": await statementsOf(`/threads/${thread.id}/messages?limit=20`),
      "GET /search/messages": await statementsOf("/search/messages?q=message"),
      "GET /threads/{id}/artifacts/{id}": await statementsOf(`/threads/${thread.id}/artifacts/${artifact.id}`),
      "GET /files/{id}": await statementsOf(`/files/${file.id}`),
      "POST /files": await statementsOf("/files?filename=counted.txt", {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: "counted",
      }),
      "POST /threads/{id}/messages": await statementsOf(`/threads/${thread.id}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: "one more" }),
      }),
      "POST /threads/{id}/messages, mentioning": await statementsOf(`/threads/${thread.id}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: `one more, <@${thread.owner_id}>` }),
      }),
      "GET /me/mentions": await (async () => {
        const agent = await newAgent();
        for (const text of ["first", "second"]) {
          await agent.http(`/threads/${thread.id}/messages`, json("POST", { text: `<@${thread.owner_id}> ${text}` }));
        }
        return statementsOf("/me/mentions?limit=20");
      })(),
    };
    expect(counts).toEqual({
      "GET /users": 1,
      // The page with the caller's read marks in it: one statement (a join).
      "GET /threads": 1,
      // The thread, then the caller's read mark in it.
      "GET /threads/{id}": 2,
      // Access, the page, its attachments, its reactions.
      "GET /threads/{id}/messages": 4,
      "GET /search/messages": 1,
      // Access, the artifact with its current version (and its files, had it any).
      "GET /threads/{id}/artifacts/{id}": 2,
      "GET /files/{id}": 1,
      // The PENDING row before a byte is stored, then READY with its preview PENDING (its job queued after).
      "POST /files": 2,
      // Access, then one batch: the event, the message, the author's read mark and the others' unread counts (2),
      // its webhook deliveries (the outbox), the thread's counters, the owner's user-stream copy (2).
      "POST /threads/{id}/messages": 9,
      // The mentioned users' roles, then the same batch and the mentions' four: rows made / dropped, readers' rows,
      // their recount.
      "POST /threads/{id}/messages, mentioning": 14,
      // The page of mentions, their messages, their threads' titles (Prisma's relation reads), the messages'
      // attachments, the reader's marks in those threads.
      "GET /me/mentions": 5,
    });
  });

  it("does not grow with the page: 20 messages cost what 2 do (no query per message)", async () => {
    const [small, large] = [await threadWith(2), await threadWith(20)];
    const page = (id: string) => statementsOf(`/threads/${id}/messages?limit=20`);
    expect(await page(large.thread.id)).toBe(await page(small.thread.id));
  });
});

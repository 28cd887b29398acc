import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { getDb } from "../../src/repositories/db";
import { type Api, allEvents, json, newThread, newUser, post, problemOf, seedMessages } from "../support/conversations";

const db = getDb(env.DB);

/** Every message of a thread, page by page with `next_cursor`, in the given order. */
const listAll = async (api: Api, threadId: string, order: "asc" | "desc", limit = 100) => {
  const seqs: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const query = cursor ? { limit, cursor } : { limit, order };
    const { data } = await api.GET("/threads/{id}/messages", { params: { path: { id: threadId }, query } });
    if (!data) throw new Error("a page failed");
    seqs.push(...data.data.map((m) => m.seq));
    cursor = data.pagination.next_cursor ?? undefined;
    pages++;
  } while (cursor);
  return { seqs, pages };
};

describe("messages: pagination over a long thread", () => {
  const COUNT = 2_500;

  it("returns each of thousands of messages exactly once, in stored order, both ways", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await seedMessages(thread.id, ada.id, COUNT);
    const expected = Array.from({ length: COUNT }, (_, i) => i + 2); // seq 1 is thread.created

    const ascending = await listAll(ada.api, thread.id, "asc");
    expect(ascending.seqs).toEqual(expected);
    expect(ascending.pages).toBe(COUNT / 100);
    const descending = await listAll(ada.api, thread.id, "desc");
    expect(descending.seqs).toEqual([...expected].reverse());
  });

  it("neither repeats nor skips a message when others post while a client pages", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await seedMessages(thread.id, ada.id, 300);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const query = cursor ? { limit: 50, cursor } : { limit: 50, order: "asc" as const };
      const { data } = await ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id }, query } });
      seen.push(...(data?.data.map((m) => m.seq) ?? []));
      cursor = data?.pagination.next_cursor ?? undefined;
      if (seen.length === 100) await post(ada.api, thread.id, "posted while paging");
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 301 }, (_, i) => i + 2));
  });

  it("bounds a page with after and before, in either order", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const posted = [];
    for (let i = 0; i < 6; i++) posted.push(await post(ada.api, thread.id, `m${i}`));
    const [, second, , , fifth] = posted;
    const query = { after: second?.id, before: fifth?.id };
    const path = { id: thread.id };
    const asc = await unwrap(
      ada.api.GET("/threads/{id}/messages", { params: { path, query: { ...query, order: "asc" } } }),
    );
    expect(asc.map((m) => m.text)).toEqual(["m2", "m3"]);
    const desc = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path, query } }));
    expect(desc.map((m) => m.text)).toEqual(["m3", "m2"]);
  });

  it("continues a bounded range with its cursor", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await seedMessages(thread.id, ada.id, 30);
    const ids = (
      await unwrap(
        ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id }, query: { limit: 100 } } }),
      )
    ).map((m) => m.id);
    // desc: ids[0] is seq 31, ids[29] is seq 2. Between seq 26 and seq 5, newest first, 7 at a time.
    const first = await ada.api.GET("/threads/{id}/messages", {
      params: { path: { id: thread.id }, query: { limit: 7, before: ids[5], after: ids[26] } },
    });
    const seqs = first.data?.data.map((m) => m.seq) ?? [];
    let cursor = first.data?.pagination.next_cursor ?? undefined;
    while (cursor) {
      const next = await ada.api.GET("/threads/{id}/messages", {
        params: { path: { id: thread.id }, query: { limit: 7, cursor } },
      });
      seqs.push(...(next.data?.data.map((m) => m.seq) ?? []));
      cursor = next.data?.pagination.next_cursor ?? undefined;
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
  });

  it("refuses a cursor with positions, replies with top_level, another thread's message, a forged cursor", async () => {
    const ada = await newUser();
    const [thread, other] = await Promise.all([newThread(ada.api), newThread(ada.api)]);
    await seedMessages(thread.id, ada.id, 3);
    const elsewhere = await post(ada.api, other.id, "elsewhere");
    const page = await ada.api.GET("/threads/{id}/messages", {
      params: { path: { id: thread.id }, query: { limit: 1 } },
    });
    const cursor = page.data?.pagination.next_cursor ?? "";
    const cases: [string, string][] = [
      [`cursor=${cursor}&order=asc`, "query.order"],
      [`parent_id=${elsewhere.id}&top_level=true`, "query.top_level"],
      [`after=${elsewhere.id}`, "query.after"],
      ["cursor=bm90LWEtY3Vyc29y", "query.cursor"],
    ];
    for (const [query, path] of cases) {
      const response = await ada.http(`/threads/${thread.id}/messages?${query}`);
      expect(response.status, query).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual([path]);
    }
  });
});

describe("messages: concurrent writes", () => {
  it("stores 50 concurrent posts once each, in an order that matches the event log with no gap", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const texts = Array.from({ length: 50 }, (_, i) => `concurrent ${i}`);
    const results = await Promise.all(
      texts.map((text) =>
        ada.api.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body: { text } }),
      ),
    );
    expect(results.map((r) => r.response.status)).toEqual(texts.map(() => 201));

    const stored = await unwrap(
      ada.api.GET("/threads/{id}/messages", {
        params: { path: { id: thread.id }, query: { limit: 100, order: "asc" } },
      }),
    );
    expect(stored.map((m) => m.text).sort()).toEqual([...texts].sort());
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));

    const events = await allEvents(ada.api, thread.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const created = events.filter((e) => e.type === "message.created");
    expect(created.map((e) => (e.data as { id: string }).id)).toEqual(stored.map((m) => m.id));
    const counters = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(counters).toMatchObject({ message_count: 50, last_event_seq: 51 });
  });
});

describe("messages: Idempotency-Key", () => {
  it("creates one message for the same key sent sequentially, replaying the first answer", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const send = () =>
      ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "once" }, { "Idempotency-Key": "retry-1" }));
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(await first.text());
    expect(await db.message.count({ where: { threadId: thread.id } })).toBe(1);
  });

  it("creates one message for the same key sent concurrently", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "once" }, { "Idempotency-Key": "burst-1" })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    // One runs; the others either wait out as "in progress" (409) or replay its answer (201).
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(await db.message.count({ where: { threadId: thread.id } })).toBe(1);
    expect((await allEvents(ada.api, thread.id)).filter((e) => e.type === "message.created")).toHaveLength(1);
  });

  it("refuses the same key with another body (422)", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const path = `/threads/${thread.id}/messages`;
    await ada.http(path, json("POST", { text: "one" }, { "Idempotency-Key": "k" }));
    const other = await ada.http(path, json("POST", { text: "two" }, { "Idempotency-Key": "k" }));
    expect(other.status).toBe(422);
  });
});

describe("messages: a batch that fails half-way", () => {
  it("leaves nothing behind: no message, no event, counters unchanged", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const file = await db.file.create({
      data: {
        uploadedById: ada.id,
        filename: "f.txt",
        contentType: "text/plain",
        sizeBytes: 1,
        storageKey: crypto.randomUUID(),
        status: "READY",
      },
    });
    // A fault in the batch's third statement (the attachment), after the event and the message went in.
    const trigger = `fail_${crypto.randomUUID().replaceAll("-", "")}`;
    await env.DB.exec(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON message_files WHEN NEW.file_id = '${file.id}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
    );
    try {
      const response = await ada.http(
        `/threads/${thread.id}/messages`,
        json("POST", { text: "doomed", file_ids: [file.id] }),
      );
      expect(response.status).toBe(500);
    } finally {
      await env.DB.exec(`DROP TRIGGER ${trigger}`);
    }
    expect(await db.message.count({ where: { threadId: thread.id } })).toBe(0);
    expect(await db.threadEvent.count({ where: { threadId: thread.id } })).toBe(1);
    const after = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(after).toMatchObject({ message_count: 0, last_event_seq: 1 });
    // And the thread keeps working, with no gap in its log.
    await post(ada.api, thread.id, "fine");
    expect((await allEvents(ada.api, thread.id)).map((e) => e.seq)).toEqual([1, 2]);
  });
});

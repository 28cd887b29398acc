import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { type Api, json, newAgent, newThread, newUser, post, problemOf } from "../support/conversations";

/** A word no other test uses, so results only hold this test's messages. */
const uniqueWord = () => `zq${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

const search = (api: Api, q: string, query: { thread_id?: string; limit?: number; cursor?: string } = {}) =>
  api.GET("/search/messages", { params: { query: { q, ...query } } });

const hits = async (api: Api, q: string, query: { thread_id?: string } = {}) => unwrap(search(api, q, query));

describe("search", () => {
  it("ranks the better match first and highlights the matching words", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { title: "Ranking" });
    const word = uniqueWord();
    const weak = await post(
      ada.api,
      thread.id,
      `A long note that mentions ${word} once among many other words about other things entirely.`,
    );
    const strong = await post(ada.api, thread.id, `${word} ${word}: the ${word} report`);
    const results = await hits(ada.api, word);
    expect(results.map((h) => h.message_id)).toEqual([strong.id, weak.id]);
    expect(results[0]?.score).toBeGreaterThan(results[1]?.score ?? Number.POSITIVE_INFINITY);
    const [best] = results;
    expect(best).toMatchObject({ thread_id: thread.id, thread_title: "Ranking", seq: strong.seq, role: "USER" });
    const marked = best?.snippet.highlights.map(({ start, end }) => best.snippet.text.slice(start, end));
    expect(marked).toEqual([word, word, word]);
  });

  it("never returns another user's messages; admins and agents search everything", async () => {
    const [ada, bob, admin] = await Promise.all([newUser(), newUser(), newUser("ADMIN")]);
    const agent = await newAgent(["threads:read"]);
    const word = uniqueWord();
    const mine = await post(ada.api, (await newThread(ada.api)).id, `ada's ${word}`);
    const theirs = await post(bob.api, (await newThread(bob.api)).id, `bob's ${word}`);
    expect((await hits(ada.api, word)).map((h) => h.message_id)).toEqual([mine.id]);
    expect((await hits(bob.api, word)).map((h) => h.message_id)).toEqual([theirs.id]);
    expect((await hits(admin.api, word)).map((h) => h.message_id).sort()).toEqual([mine.id, theirs.id].sort());
    expect((await hits(agent.api, word)).map((h) => h.message_id).sort()).toEqual([mine.id, theirs.id].sort());
  });

  it("never returns a deleted message, and finds an edited one by its new text only", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const [gone, old, fresh] = [uniqueWord(), uniqueWord(), uniqueWord()];
    const deleted = await post(ada.api, thread.id, `about to vanish ${gone}`);
    await ada.http(`/threads/${thread.id}/messages/${deleted.id}`, { method: "DELETE" });
    const edited = await post(ada.api, thread.id, `draft ${old}`);
    await ada.http(`/threads/${thread.id}/messages/${edited.id}`, json("PATCH", { text: `final ${fresh}` }));
    expect(await hits(ada.api, gone)).toEqual([]);
    expect(await hits(ada.api, old)).toEqual([]);
    expect((await hits(ada.api, fresh)).map((h) => h.message_id)).toEqual([edited.id]);
  });

  it("stops finding a thread's messages once the thread is deleted", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const word = uniqueWord();
    await post(ada.api, thread.id, word);
    await ada.http(`/threads/${thread.id}`, { method: "DELETE" });
    expect(await hits(ada.api, word)).toEqual([]);
  });

  it("narrows to one thread", async () => {
    const ada = await newUser();
    const [one, two] = await Promise.all([newThread(ada.api), newThread(ada.api)]);
    const word = uniqueWord();
    const inOne = await post(ada.api, one.id, word);
    await post(ada.api, two.id, word);
    expect((await hits(ada.api, word, { thread_id: one.id })).map((h) => h.message_id)).toEqual([inOne.id]);
  });

  it("finds nothing by an owner's or a thread's id: those index entries are not message text", async () => {
    const [ada, admin] = await Promise.all([newUser(), newUser("ADMIN")]);
    const thread = await newThread(ada.api);
    await post(ada.api, thread.id, `ada writes ${uniqueWord()}`);
    for (const q of [`o${ada.id}`, `t${thread.id}`, ada.id, thread.id]) {
      expect(await hits(ada.api, q), q).toEqual([]);
      expect(await hits(admin.api, q), q).toEqual([]);
    }
  });

  it("matches every word, phrases, prefixes and word stems, ignoring case and accents", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const word = uniqueWord();
    const message = await post(ada.api, thread.id, `We DEPLOYED the Café build ${word} on Friday`);
    for (const q of [
      `${word} friday`,
      `"deployed the" ${word}`,
      `${word.slice(0, 8)}*`,
      `deploy ${word}`,
      `cafe ${word}`,
    ]) {
      expect(
        (await hits(ada.api, q)).map((h) => h.message_id),
        q,
      ).toEqual([message.id]);
    }
    expect(await hits(ada.api, `${word} tuesday`)).toEqual([]);
  });

  it("pages through ranked results with a cursor, each hit once", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const word = uniqueWord();
    const posted = new Set<string>();
    for (let i = 0; i < 23; i++) posted.add((await post(ada.api, thread.id, `${word} ${"filler ".repeat(i)}`)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await search(ada.api, word, { limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...(data?.data.map((h) => h.message_id) ?? []));
      cursor = data?.pagination.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(posted);
  });

  it.each([
    '"unbalanced',
    "AND OR NOT",
    "text:secret",
    "NEAR(a b)",
    "a*b*",
    "(grouped",
    "^start",
    "-minus",
    "💥 emoji",
  ])("treats FTS syntax in %s as plain words, never as an error", async (q) => {
    const ada = await newUser();
    const response = await ada.http(`/search/messages?q=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
  });

  it("refuses a query without a single word, and one over 256 characters", async () => {
    const ada = await newUser();
    for (const q of ['"" * ...', "x".repeat(257)]) {
      const response = await ada.http(`/search/messages?q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["query.q"]);
    }
  });
});

describe("search: odd input and odd text", () => {
  it("drops control characters from the query (FTS5 would read NUL as its end)", async () => {
    const ada = await newUser();
    const word = uniqueWord();
    const message = await post(ada.api, (await newThread(ada.api)).id, `${word}x`);
    expect((await ada.http(`/search/messages?q=${word}%00x`)).status).toBe(200);
    expect((await hits(ada.api, `${word}\u0000x`)).map((h) => h.message_id)).toEqual([message.id]);
    expect((await ada.http("/search/messages?q=%00")).status).toBe(400);
  });

  it("cuts a snippet around a huge token to 2,000 characters, highlights included", async () => {
    const ada = await newUser();
    const word = uniqueWord();
    await post(ada.api, (await newThread(ada.api)).id, `${word} ${"x".repeat(30_000)}`);
    const [hit] = await hits(ada.api, word);
    expect(hit?.snippet.text.length).toBeLessThanOrEqual(2000);
    expect(hit?.snippet.highlights.map(({ start, end }) => hit.snippet.text.slice(start, end))).toEqual([word]);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { getDb } from "../../src/repositories/db";
import { allEvents, newAgent, newThread, newUser, post, problemOf } from "../support/conversations";

const db = getDb(env.DB);

const setUp = async () => {
  const ada = await newUser();
  const thread = await newThread(ada.api);
  const message = await post(ada.api, thread.id, "react to me");
  const base = `/threads/${thread.id}/messages/${message.id}`;
  return { ada, thread, message, base };
};

describe("reactions", () => {
  it("adds a reaction once: the same emoji twice stores one row and both answer 200", async () => {
    const { ada, thread, message, base } = await setUp();
    const first = await ada.http(`${base}/reactions/thumbsup`, { method: "PUT" });
    const again = await ada.http(`${base}/reactions/:thumbsup:`, { method: "PUT" });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((await again.json<{ data: unknown }>()).data).toEqual({ emoji: "thumbsup", count: 1, me: true });
    expect(await db.reaction.count({ where: { messageId: message.id } })).toBe(1);
    const added = (await allEvents(ada.api, thread.id)).filter((e) => e.type === "reaction.added");
    expect(added).toHaveLength(1);
    expect(added[0]?.data).toEqual({
      message_id: message.id,
      emoji: "thumbsup",
      actor: { type: "user", id: ada.id },
      count: 1,
    });
  });

  it("groups reactions by emoji with counts, whether I reacted, and who — and messages carry the summary", async () => {
    const { ada, thread, message, base } = await setUp();
    const agent = await newAgent();
    await ada.http(`${base}/reactions/eyes`, { method: "PUT" });
    await agent.http(`${base}/reactions/eyes`, { method: "PUT" });
    await agent.http(`${base}/reactions/white_check_mark`, { method: "PUT" });
    const groups = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}/reactions", {
        params: { path: { id: thread.id, message_id: message.id } },
      }),
    );
    expect(groups).toEqual([
      {
        emoji: "eyes",
        count: 2,
        me: true,
        actors: [
          { type: "user", id: ada.id },
          { type: "api_key", id: agent.id },
        ],
      },
      { emoji: "white_check_mark", count: 1, me: false, actors: [{ type: "api_key", id: agent.id }] },
    ]);
    const seenByAgent = await unwrap(
      agent.api.GET("/threads/{id}/messages/{message_id}", {
        params: { path: { id: thread.id, message_id: message.id } },
      }),
    );
    expect(seenByAgent.reactions).toEqual([
      { emoji: "eyes", count: 2, me: true },
      { emoji: "white_check_mark", count: 1, me: true },
    ]);
  });

  it("removes only my reaction, and removing one I do not have answers 204 and logs nothing", async () => {
    const { ada, thread, base } = await setUp();
    const agent = await newAgent();
    await ada.http(`${base}/reactions/tada`, { method: "PUT" });
    await agent.http(`${base}/reactions/tada`, { method: "PUT" });
    expect((await ada.http(`${base}/reactions/tada`, { method: "DELETE" })).status).toBe(204);
    const events = await allEvents(ada.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "reaction.removed", data: { emoji: "tada", count: 1 } });
    expect((await ada.http(`${base}/reactions/tada`, { method: "DELETE" })).status).toBe(204);
    expect(await allEvents(ada.api, thread.id)).toHaveLength(events.length);
    const groups = await (await ada.http(`${base}/reactions`)).json<{
      data: { emoji: string; count: number; me: boolean }[];
    }>();
    expect(groups.data).toMatchObject([{ emoji: "tada", count: 1, me: false }]);
  });

  it.each([
    "thumbsup",
    ":thumbsup:",
    "+1",
    "-1",
    "thumbsup::skin-tone-2",
    ":wave::skin-tone-6:",
    "man-woman-boy",
    "100",
  ])("accepts the short name %s", async (emoji) => {
    const { ada, base } = await setUp();
    const response = await ada.http(`${base}/reactions/${encodeURIComponent(emoji)}`, { method: "PUT" });
    expect(response.status).toBe(200);
    expect((await response.json<{ data: { emoji: string } }>()).data.emoji).toBe(emoji.replace(/^:|:$/g, ""));
  });

  it.each(["Thumbsup", "thumbs up", "👍", "thumbsup::skin-tone-7", "a".repeat(101), "::"])(
    "refuses %s, naming the emoji",
    async (emoji) => {
      const { ada, base } = await setUp();
      const response = await ada.http(`${base}/reactions/${encodeURIComponent(emoji)}`, { method: "PUT" });
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["param.emoji"]);
    },
  );

  it("refuses reactions on a deleted message and in an archived thread (409)", async () => {
    const { ada, thread, base } = await setUp();
    const other = await post(ada.api, thread.id, "to be deleted");
    await ada.http(`/threads/${thread.id}/messages/${other.id}`, { method: "DELETE" });
    expect(
      (await ada.http(`/threads/${thread.id}/messages/${other.id}/reactions/tada`, { method: "PUT" })).status,
    ).toBe(409);
    await unwrap(ada.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }));
    const archived = await ada.http(`${base}/reactions/tada`, { method: "PUT" });
    expect(archived.status).toBe(409);
    expect((await problemOf(archived)).type).toMatch(/\/thread-archived$/);
  });

  it("caps a message at 50 different emoji", async () => {
    const { ada, message, base } = await setUp();
    await db.reaction.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ messageId: message.id, userId: ada.id, emoji: `emoji_${i}` })),
    });
    const response = await ada.http(`${base}/reactions/one_too_many`, { method: "PUT" });
    expect(response.status).toBe(409);
    // An emoji already there can still be added to.
    const agent = await newAgent();
    expect((await agent.http(`${base}/reactions/emoji_7`, { method: "PUT" })).status).toBe(200);
  });

  it("answers 404 for a message that is not in the thread", async () => {
    const { ada, thread } = await setUp();
    const other = await newThread(ada.api);
    const elsewhere = await post(ada.api, other.id, "elsewhere");
    const response = await ada.http(`/threads/${thread.id}/messages/${elsewhere.id}/reactions/tada`, { method: "PUT" });
    expect(response.status).toBe(404);
  });
});

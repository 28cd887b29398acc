import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import type { ReadState } from "../../src/wire/read-state";
import { json, newAgent, newThread, newUser, problemOf } from "../support/conversations";
import { readEventStream } from "../support/event-stream";

// Mentions: `<@USER_ID>` in text and `user` elements in rich text, checked at write, counted and listed.
type Who = Awaited<ReturnType<typeof newUser>> | Awaited<ReturnType<typeof newAgent>>;

const richTextMentioning = (userId: string) => [
  {
    type: "rich_text",
    elements: [
      {
        type: "rich_text_list",
        style: "bullet",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "owner: " },
              { type: "user", user_id: userId },
            ],
          },
        ],
      },
    ],
  },
];

const postAs = async (who: Who, threadId: string, body: Record<string, unknown>) => {
  const response = await who.http(`/threads/${threadId}/messages`, json("POST", body));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ data: { id: string; seq: number; mentions: string[] } }>()).data;
};

const readState = async (who: Who, threadId: string) => {
  const response = await who.http(`/threads/${threadId}/read`);
  expect(response.status).toBe(200);
  return (await response.json<{ data: ReadState }>()).data;
};

const mentionsOf = async (who: Awaited<ReturnType<typeof newUser>>, query: { limit?: number; cursor?: string } = {}) =>
  who.api.GET("/me/mentions", { params: { query } });

describe("mentions", () => {
  it("are parsed from text and rich text, returned on the message, and counted for the mentioned user", async () => {
    const ada = await newUser();
    const admin = await newUser("ADMIN");
    const agent = await newAgent();
    const thread = await newThread(ada.api);

    const inText = await postAs(agent, thread.id, { text: `<@${ada.id}> and <@${admin.id}|the admin>, look` });
    expect(inText.mentions).toEqual([ada.id, admin.id]);
    const inBlocks = await postAs(agent, thread.id, { text: "see list", blocks: richTextMentioning(ada.id) });
    expect(inBlocks.mentions).toEqual([ada.id]);
    await postAs(agent, thread.id, { text: "no one" });

    expect(await readState(ada, thread.id)).toMatchObject({ unread_count: 3, unread_mentions: 2 });
    expect(await readState(admin, thread.id)).toMatchObject({ unread_count: 3, unread_mentions: 1 });
    const seen = await unwrap(ada.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(seen).toMatchObject({ unread_count: 3, unread_mentions: 2 });
    expect(await unwrap(ada.api.GET("/me/unread"))).toEqual({ threads: 1, messages: 3, mentions: 2 });

    // Reading past the first mention leaves one; reading to the end, none.
    const moved = await ada.http(`/threads/${thread.id}/read`, json("PUT", { seq: inText.seq }));
    expect((await moved.json<{ data: ReadState }>()).data).toMatchObject({ unread_count: 2, unread_mentions: 1 });
    await ada.http(`/threads/${thread.id}/read`, json("PUT", { seq: 1000 }));
    expect(await unwrap(ada.api.GET("/me/unread"))).toEqual({ threads: 0, messages: 0, mentions: 0 });
  });

  it("count from a new thread's first messages and from a streamed reply's final text", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const made = await agent.http(
      "/threads",
      json("POST", { title: "For Ada", owner_id: ada.id, messages: [{ text: `<@${ada.id}> hello` }, { text: "Q3" }] }),
    );
    expect(made.status).toBe(201);
    const { data: thread } = await made.json<{ data: { id: string } }>();
    expect(await readState(ada, thread.id)).toMatchObject({ unread_count: 2, unread_mentions: 1 });
    const firsts = await unwrap(
      ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id }, query: { order: "asc" } } }),
    );
    expect(firsts.map((message) => message.mentions)).toEqual([[ada.id], []]);

    const started = await postAs(agent, thread.id, { text: "Thinking", streaming: true });
    expect(started.mentions).toEqual([]);
    const completed = await agent.http(
      `/threads/${thread.id}/messages/${started.id}/complete`,
      json("POST", { text: `Done, <@${ada.id}>` }),
    );
    expect(completed.status, await completed.clone().text()).toBe(200);
    expect(((await completed.json()) as { data: { mentions: string[] } }).data.mentions).toEqual([ada.id]);
    expect(await readState(ada, thread.id)).toMatchObject({ unread_count: 3, unread_mentions: 2 });
  });

  it("follow edits and deletes: a mention edited away or deleted stops counting and leaves the list", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const first = await postAs(agent, thread.id, { text: `<@${ada.id}> one` });
    const second = await postAs(agent, thread.id, { text: "two" });
    expect(await readState(ada, thread.id)).toMatchObject({ unread_mentions: 1 });

    const edit = (id: string, text: string) =>
      agent.http(`/threads/${thread.id}/messages/${id}`, json("PATCH", { text }));
    expect((await edit(second.id, `now <@${ada.id}> too`)).status).toBe(200);
    expect(await readState(ada, thread.id)).toMatchObject({ unread_count: 2, unread_mentions: 2 });
    const edited = await edit(first.id, "one, without her");
    expect(((await edited.json()) as { data: { mentions: string[] } }).data.mentions).toEqual([]);
    expect(await readState(ada, thread.id)).toMatchObject({ unread_mentions: 1 });
    expect((await unwrap(mentionsOf(ada))).map((row) => row.message.id)).toEqual([second.id]);

    expect((await agent.http(`/threads/${thread.id}/messages/${second.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await readState(ada, thread.id)).toMatchObject({ unread_count: 1, unread_mentions: 0 });
    expect(await unwrap(mentionsOf(ada))).toEqual([]);
  });

  it("are refused, naming where they were written, for unknown users and users who cannot see the thread", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);

    const unknown = await agent.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "hi <@nosuchuser000000000000>" }),
    );
    expect(unknown.status).toBe(400);
    expect((await problemOf(unknown)).errors).toEqual([
      {
        path: "body.text",
        code: "unknown_user",
        message: "<@nosuchuser000000000000> at offset 3 of the text is no user",
      },
    ]);

    const outOfReach = await agent.http(
      `/threads/${thread.id}/messages`,
      json("POST", { text: "for Bob", blocks: richTextMentioning(bob.id) }),
    );
    expect(outOfReach.status).toBe(400);
    expect((await problemOf(outOfReach)).errors).toEqual([
      {
        path: "body.blocks.0.elements.0.elements.0.elements.1.user_id",
        code: "user_out_of_reach",
        message: `<@${bob.id}> cannot see this thread`,
      },
    ]);

    // At most 50 users per message: 51 is refused before any of them is looked up.
    const crowd = Array.from({ length: 51 }, (_, i) => `<@someone${String(i).padStart(16, "0")}>`).join(" ");
    const tooMany = await agent.http(`/threads/${thread.id}/messages`, json("POST", { text: crowd }));
    expect(tooMany.status).toBe(400);
    expect((await problemOf(tooMany)).errors).toEqual([
      { path: "body.text", code: "too_many_mentions", message: "51 users are mentioned; at most 50" },
    ]);

    // A new thread's first messages are checked against its owner; an edit, like a post. Nothing was stored.
    const created = await ada.http(
      "/threads",
      json("POST", { title: "t", messages: [{ text: "fine" }, { text: `<@${bob.id}>` }] }),
    );
    expect(created.status).toBe(400);
    expect((await problemOf(created)).errors?.[0]).toMatchObject({
      path: "body.messages.1.text",
      code: "user_out_of_reach",
    });
    const message = await postAs(agent, thread.id, { text: "plain" });
    const edit = await agent.http(
      `/threads/${thread.id}/messages/${message.id}`,
      json("PATCH", { text: `<@${bob.id}>` }),
    );
    expect(edit.status).toBe(400);
    const listed = await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    expect(listed.map((row) => [row.text, row.mentions])).toEqual([["plain", []]]);
    expect(await unwrap(mentionsOf(bob))).toEqual([]);
  });

  it("are listed newest first in keyset pages, with the thread and whether each is unread; one's own are not", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api, { title: "Churn" });
    const posted = [];
    for (let i = 0; i < 3; i += 1) posted.push(await postAs(agent, thread.id, { text: `<@${ada.id}> #${i}` }));
    await postAs(ada, thread.id, { text: `note to self <@${ada.id}>` });
    await ada.http(`/threads/${thread.id}/read`, json("PUT", { message_id: posted[0]?.id }));

    const first = await mentionsOf(ada, { limit: 2 });
    expect(first.response.status).toBe(200);
    const page = first.data?.data ?? [];
    expect(page.map((row) => [row.message.id, row.unread, row.thread_title])).toEqual([
      [posted[2]?.id, true, "Churn"],
      [posted[1]?.id, true, "Churn"],
    ]);
    const cursor = first.data?.pagination.next_cursor ?? undefined;
    expect(cursor).toBeTypeOf("string");
    const rest = await unwrap(mentionsOf(ada, { limit: 2, cursor }));
    expect(rest.map((row) => [row.message.id, row.unread])).toEqual([[posted[0]?.id, false]]);

    // API keys are never mentioned: the list is for users.
    expect((await agent.http("/me/mentions")).status).toBe(403);
  });

  it("reach the mentioned user's stream as message.created with mentioned: true, an admin's too", async () => {
    const ada = await newUser();
    const admin = await newUser("ADMIN");
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const response = await admin.http("/events?after=0", { headers: { Accept: "text/event-stream" } });
    expect(response.status).toBe(200);
    const stream = readEventStream(response, "UserStreamFrame");

    await postAs(agent, thread.id, { text: "not for the admin" });
    const message = await postAs(agent, thread.id, { text: `<@${admin.id}> please approve` });
    const [frame] = await stream.take(1);
    expect(frame).toMatchObject({
      event: "message.created",
      data: { mentioned: true, event: { type: "message.created", data: { id: message.id, mentions: [admin.id] } } },
    });
    await stream.close();

    // The owner gets every message of her thread, flagged when it mentions her.
    await postAs(agent, thread.id, { text: `<@${ada.id}>, and you` });
    const owners = await unwrap(ada.api.GET("/events", { params: { query: { after: 0 } } }));
    expect(owners.map((row) => [row.event.type, row.mentioned])).toEqual([
      ["thread.created", false],
      ["message.created", false],
      ["message.created", false],
      ["message.created", true],
    ]);
    const admins = await unwrap(admin.api.GET("/events", { params: { query: { after: 0 } } }));
    expect(admins.map((row) => [row.event.type, row.mentioned])).toEqual([["message.created", true]]);
  });
});

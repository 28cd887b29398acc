import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { json, newThread, newUser, problemOf } from "../support/conversations";

const button = (actionId: string) => ({
  type: "button",
  action_id: actionId,
  text: { type: "plain_text", text: "Go" },
  value: "go",
});
const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

const setUp = async () => {
  const ada = await newUser();
  const thread = await newThread(ada.api);
  return { ada, thread, messages: `/threads/${thread.id}/messages` };
};

const errorPaths = async (response: Response) => {
  expect(response.status).toBe(400);
  return (await problemOf(response)).errors?.map((e) => e.path);
};

describe("Block Kit through the API", () => {
  it("answers a violation deep in a block with the JSON path of the offending element", async () => {
    const { ada, messages } = await setUp();
    const blocks = [
      section("a"),
      { type: "divider" },
      section("b"),
      { type: "actions", elements: [button("x".repeat(256))] },
    ];
    const response = await ada.http(messages, json("POST", { text: "fallback", blocks }));
    expect(await errorPaths(response)).toEqual(["body.blocks.3.elements.0.action_id"]);
  });

  it("names the second of two blocks that share a block_id, and of two elements that share an action_id", async () => {
    const { ada, messages } = await setUp();
    const blocks = [
      { ...section("one"), block_id: "same" },
      { type: "actions", elements: [button("pick")] },
      { ...section("two"), block_id: "same" },
      { type: "actions", elements: [button("other"), button("pick")] },
    ];
    const response = await ada.http(messages, json("POST", { text: "fallback", blocks }));
    expect(await errorPaths(response)).toEqual(["body.blocks.2.block_id", "body.blocks.3.elements.1.action_id"]);
  });

  it("accepts 50 blocks and refuses 51", async () => {
    const { ada, messages } = await setUp();
    const fifty = Array.from({ length: 50 }, (_, i) => section(`block ${i}`));
    expect((await ada.http(messages, json("POST", { text: "fallback", blocks: fifty }))).status).toBe(201);
    const response = await ada.http(messages, json("POST", { text: "fallback", blocks: [...fifty, section("51")] }));
    expect(await errorPaths(response)).toEqual(["body.blocks"]);
  });

  it("refuses an unknown block type at its type, also among a new thread's messages and in an edit", async () => {
    const { ada, thread, messages } = await setUp();
    const created = await ada.http(
      "/threads",
      json("POST", { title: "t", messages: [{ text: "ok" }, { text: "bad", blocks: [{ type: "carousel" }] }] }),
    );
    expect(await errorPaths(created)).toEqual(["body.messages.1.blocks.0.type"]);
    const message = await unwrap(
      ada.api.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body: { text: "fine" } }),
    );
    const edit = await ada.http(
      `${messages}/${message.id}`,
      json("PATCH", { blocks: [section("ok"), { type: "nope" }] }),
    );
    expect(await errorPaths(edit)).toEqual(["body.blocks.1.type"]);
  });

  it("stores interactive blocks as sent and returns them in the message", async () => {
    const { ada, thread } = await setUp();
    const blocks = [
      { type: "header" as const, text: { type: "plain_text" as const, text: "Approve the Q3 report?" } },
      {
        type: "actions" as const,
        block_id: "approval",
        elements: [
          {
            type: "button" as const,
            action_id: "approve",
            text: { type: "plain_text" as const, text: "Approve" },
            style: "primary" as const,
            value: "yes",
          },
          {
            type: "static_select" as const,
            action_id: "reviewer",
            placeholder: { type: "plain_text" as const, text: "Reviewer" },
            options: [{ text: { type: "plain_text" as const, text: "Ada" }, value: "ada" }],
          },
        ],
      },
    ];
    const message = await unwrap(
      ada.api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: { text: "Approve?", blocks },
      }),
    );
    expect(message.blocks).toEqual(blocks);
  });
});

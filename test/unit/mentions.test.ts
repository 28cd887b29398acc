import { describe, expect, it } from "vitest";
import { mentionedUsers, mentionsIn } from "../../src/schemas/blocks/mentions";

describe("mentionsIn", () => {
  it("finds <@USER_ID> and <@USER_ID|label> in text, at UTF-16 offsets", () => {
    expect(mentionsIn({ text: "👋 <@abc> and <@def|Def> but not <#chan> or <@ broken" })).toEqual([
      { userId: "abc", path: "body.text", offset: 3 },
      { userId: "def", path: "body.text", offset: 14 },
    ]);
  });

  it("finds user elements at any depth of rich text, and nowhere else", () => {
    const blocks = [
      { type: "section", text: { type: "mrkdwn", text: "<@notparsed>" } },
      {
        type: "rich_text",
        elements: [
          { type: "rich_text_quote", elements: [{ type: "user", user_id: "q" }] },
          {
            type: "rich_text_list",
            style: "ordered",
            elements: [
              {
                type: "rich_text_section",
                elements: [
                  { type: "text", text: "x" },
                  { type: "user", user_id: "l" },
                ],
              },
            ],
          },
        ],
      },
    ];
    expect(mentionsIn({ blocks }, "body.messages.2")).toEqual([
      { userId: "q", path: "body.messages.2.blocks.1.elements.0.elements.0.user_id" },
      { userId: "l", path: "body.messages.2.blocks.1.elements.1.elements.0.elements.1.user_id" },
    ]);
  });

  it("lists each user once, in order of first mention, text before blocks", () => {
    const found = mentionsIn({
      text: "<@b> <@a> <@b>",
      blocks: [
        { type: "rich_text", elements: [{ type: "rich_text_section", elements: [{ type: "user", user_id: "c" }] }] },
      ],
    });
    expect(mentionedUsers(found)).toEqual(["b", "a", "c"]);
  });
});

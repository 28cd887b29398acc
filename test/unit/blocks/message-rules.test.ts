// The rules of a message's blocks as a whole: their count, unique ids and the markdown total.
import { describe, expect, it } from "vitest";
import { BLOCK_KIT_LIMITS as L } from "../../../src/schemas/blocks/limits";
import {
  actions,
  button,
  datepicker,
  imageElement,
  input,
  issuesOf,
  type LimitCase,
  overflow,
  type Path,
  pathsOf,
  plain,
  s,
  section,
  select,
  testLimits,
  textInput,
  times,
} from "./builders";
import { realWorldMessages } from "./real-world-messages";

const limits: LimitCase[] = [
  ["blocks per message", L.blocksPerMessage, (n) => times(n, () => ({ type: "divider" })), []],
  [
    "markdown text of all blocks together",
    L.markdownTotalLength,
    (n) => [{ type: "markdown", text: s(n - 5000) }, { type: "divider" }, { type: "markdown", text: s(5000) }],
    [2, "text"],
  ],
];

describe("Block Kit limits", () => {
  testLimits(limits);

  it("reports the markdown total once, at the block that first goes over", () => {
    const markdown = { type: "markdown", text: s(5000) };
    expect(issuesOf([markdown, markdown, markdown, markdown])).toMatchObject([
      { code: "custom", path: [2, "text"], message: expect.stringContaining("15000") },
    ]);
  });

  it("reports a single markdown block over the limit once, as too long", () => {
    expect(issuesOf([{ type: "markdown", text: s(L.markdownTextLength + 1) }])).toMatchObject([
      { code: "too_big", path: [0, "text"] },
    ]);
  });
});

describe("block_id and action_id uniqueness", () => {
  it("reports a repeated block_id at the block that repeats it", () => {
    const blocks = [
      { type: "divider", block_id: "a" },
      section({ block_id: "b" }),
      { type: "divider" },
      { type: "header", block_id: "a", text: plain("Again") },
    ];
    expect(issuesOf(blocks)).toMatchObject([
      { code: "custom", path: [3, "block_id"], message: 'block_id "a" is already used by block 0' },
    ]);
  });

  it("reports every repeat of a block_id", () => {
    const divider = { type: "divider", block_id: "same" };
    expect(pathsOf([divider, divider, divider])).toEqual([
      [1, "block_id"],
      [2, "block_id"],
    ]);
  });

  it.each<[where: string, blocks: unknown[], path: Path]>([
    [
      "in an actions block",
      [actions(button({ action_id: "go" })), { type: "divider" }, section(), actions(button({ action_id: "go" }))],
      [3, "elements", 0, "action_id"],
    ],
    [
      "twice in the same actions block",
      [actions(button({ action_id: "go" }), select({ action_id: "go" }))],
      [0, "elements", 1, "action_id"],
    ],
    [
      "in a section accessory",
      [actions(button({ action_id: "go" })), section(), section({ accessory: overflow({ action_id: "go" }) })],
      [2, "accessory", "action_id"],
    ],
    [
      "in an input element",
      [
        section({ accessory: datepicker({ action_id: "go" }) }),
        { type: "divider" },
        { type: "divider" },
        { type: "divider" },
        input(textInput({ action_id: "go" })),
      ],
      [4, "element", "action_id"],
    ],
  ])("reports a repeated action_id %s at the repeat", (_where, blocks, path) => {
    expect(pathsOf(blocks)).toEqual([path]);
  });

  it("gives clients the dotted path of the repeated action_id", () => {
    const blocks = [
      actions(button({ action_id: "go" })),
      { type: "divider" },
      { type: "divider" },
      actions(button({ action_id: "go" })),
    ];
    // As src/http/router.ts names the field in errors[].path for a `blocks` member of the body.
    expect(issuesOf(blocks).map((issue) => ["body", "blocks", ...issue.path.map(String)].join("."))).toEqual([
      "body.blocks.3.elements.0.action_id",
    ]);
  });

  it("accepts distinct ids, and elements without an action_id", () => {
    const blocks = [
      section({ block_id: "a", accessory: button({ action_id: "a" }) }),
      actions(button(), button(), button({ action_id: "b" })),
      input(textInput({ action_id: "c" }), { block_id: "b" }),
      section({ accessory: imageElement() }),
      section({ accessory: imageElement() }),
    ];
    expect(issuesOf(blocks)).toEqual([]);
  });

  it("still reports a repeated id when another block exceeds a limit", () => {
    const blocks = [
      { type: "divider", block_id: "a" },
      { type: "divider", block_id: "a" },
      section({ text: plain("") }),
    ];
    expect(pathsOf(blocks)).toEqual([
      [2, "text", "text"],
      [1, "block_id"],
    ]);
  });
});

describe("block and element types", () => {
  it("reports a non-array at the root", () => {
    expect(issuesOf({ type: "divider" })).toMatchObject([{ code: "invalid_type", path: [] }]);
  });

  it("accepts an empty array", () => {
    expect(issuesOf([])).toEqual([]);
  });
});

describe("realistic messages", () => {
  it.each(realWorldMessages)("accept %s", (_name, blocks) => {
    expect(issuesOf(blocks)).toEqual([]);
  });
});

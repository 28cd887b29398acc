// The block types, one at a time: their limits, shapes and minimal forms.
import { describe, expect, it } from "vitest";
import { Block } from "../../../src/schemas/blocks/blocks";
import { BLOCK_KIT_LIMITS as L } from "../../../src/schemas/blocks/limits";
import {
  actions,
  button,
  input,
  issuesOf,
  type Json,
  type LimitCase,
  mrkdwn,
  type Path,
  paragraph,
  pathsOf,
  plain,
  richText,
  s,
  section,
  testLimits,
  textInput,
  times,
  typesOf,
  url,
} from "./builders";

const limits: LimitCase[] = [
  ["block_id", L.blockIdLength, (n) => [{ type: "divider", block_id: s(n) }], [0, "block_id"]],
  ["section text (mrkdwn)", L.textLength, (n) => [section({ text: mrkdwn(s(n)) })], [0, "text", "text"]],
  ["section text (plain_text)", L.textLength, (n) => [section({ text: plain(s(n)) })], [0, "text", "text"]],
  ["section fields", L.sectionFields, (n) => [{ type: "section", fields: times(n, () => mrkdwn("f")) }], [0, "fields"]],
  [
    "section field text",
    L.sectionFieldLength,
    (n) => [{ type: "section", fields: [mrkdwn("a"), plain(s(n))] }],
    [0, "fields", 1, "text"],
  ],
  ["header text", L.headerTextLength, (n) => [{ type: "header", text: plain(s(n)) }], [0, "text", "text"]],
  [
    "image block image_url",
    L.urlLength,
    (n) => [{ type: "image", image_url: url(n), alt_text: "A" }],
    [0, "image_url"],
  ],
  [
    "image block alt_text",
    L.imageAltTextLength,
    (n) => [{ type: "image", image_url: url(30), alt_text: s(n) }],
    [0, "alt_text"],
  ],
  [
    "image block title",
    L.imageTitleLength,
    (n) => [{ type: "image", image_url: url(30), alt_text: "A", title: plain(s(n)) }],
    [0, "title", "text"],
  ],
  [
    "context elements",
    L.contextElements,
    (n) => [{ type: "context", elements: times(n, () => mrkdwn("c")) }],
    [0, "elements"],
  ],
  ["context text", L.textLength, (n) => [{ type: "context", elements: [plain(s(n))] }], [0, "elements", 0, "text"]],
  ["actions elements", L.actionsElements, (n) => [actions(...times(n, () => button()))], [0, "elements"]],
  ["input label", L.inputLabelLength, (n) => [input(textInput(), { label: plain(s(n)) })], [0, "label", "text"]],
  ["input hint", L.inputHintLength, (n) => [input(textInput(), { hint: plain(s(n)) })], [0, "hint", "text"]],
  ["markdown block text", L.markdownTextLength, (n) => [{ type: "markdown", text: s(n) }], [0, "text"]],
  ["rich_text elements", L.richTextElements, (n) => [richText(...times(n, () => paragraph()))], [0, "elements"]],
];

describe("Block Kit limits", () => {
  testLimits(limits);
});

describe("block and element types", () => {
  it.each<[what: string, blocks: unknown[], path: Path]>([
    ["an unknown block type", [section(), { type: "table", rows: [] }], [1, "type"]],
    ["a block without a type", [section(), { text: plain("Hi") }], [1, "type"]],
  ])("report %s at its type", (_what, blocks, path) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "invalid_union", path }]);
  });

  it("reports a block that is not an object at the block", () => {
    expect(issuesOf([section(), "divider"])).toMatchObject([{ code: "invalid_type", path: [1] }]);
  });
});

describe("unknown keys", () => {
  it.each<[where: string, blocks: unknown[], path: Path, key: string]>([
    ["a block", [{ type: "divider", colour: "red" }], [0], "colour"],
  ])("reject an unknown key in %s", (_where, blocks, path, key) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "unrecognized_keys", path, keys: [key] }]);
  });
});

describe("other rules", () => {
  it("requires text or fields in a section", () => {
    expect(issuesOf([{ type: "section", block_id: "s" }])).toMatchObject([{ code: "custom", path: [0, "text"] }]);
  });

  it.each<[what: string, blocks: unknown[], path: Path]>([
    ["a javascript: image URL", [{ type: "image", image_url: "javascript:alert(1)", alt_text: "A" }], [0, "image_url"]],
  ])("rejects %s", (_what, blocks, path) => {
    expect(pathsOf(blocks)).toEqual([path]);
  });
});

const minimalBlocks: Record<string, Json> = {
  section: section(),
  header: { type: "header", text: plain("Title") },
  divider: { type: "divider" },
  image: { type: "image", image_url: "https://example.com/a.png", alt_text: "A" },
  context: { type: "context", elements: [mrkdwn("By Ada")] },
  actions: actions(button()),
  input: input(textInput()),
  rich_text: richText(),
  markdown: { type: "markdown", text: "**Hi**" },
};

describe("minimal valid forms", () => {
  it("cover every block type", () => {
    expect(Object.keys(minimalBlocks).sort()).toEqual(typesOf(Block).sort());
  });

  it.each(Object.entries(minimalBlocks))("accept a minimal %s block", (_type, block) => {
    expect(issuesOf([block])).toEqual([]);
  });

  it("accept a section with fields and no text", () => {
    expect(issuesOf([{ type: "section", fields: [mrkdwn("*Status*\nOK")] }])).toEqual([]);
  });
});

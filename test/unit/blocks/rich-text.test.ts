// The elements of a rich_text block and the runs inside them.
import { describe, expect, it } from "vitest";
import { BLOCK_KIT_LIMITS as L } from "../../../src/schemas/blocks/limits";
import { issuesOf, type LimitCase, type Path, paragraph, pathsOf, richText, s, testLimits } from "./builders";

const limits: LimitCase[] = [
  [
    "rich_text_list indent",
    L.richTextListIndentMax,
    (n) => [richText({ type: "rich_text_list", style: "bullet", indent: n, elements: [paragraph()] })],
    [0, "elements", 0, "indent"],
  ],
  [
    "rich text run",
    L.richTextTextLength,
    (n) => [richText(paragraph({ type: "text", text: s(n) }))],
    [0, "elements", 0, "elements", 0, "text"],
  ],
  [
    "emoji skin_tone",
    6,
    (n) => [richText(paragraph({ type: "emoji", name: "wave", skin_tone: n }))],
    [0, "elements", 0, "elements", 0, "skin_tone"],
  ],
];

describe("Block Kit limits", () => {
  testLimits(limits);
});

describe("block and element types", () => {
  it.each<[what: string, blocks: unknown[], path: Path]>([
    ["an unknown rich text element", [richText({ type: "rich_text_table" })], [0, "elements", 0, "type"]],
    [
      "an unknown inline rich text element",
      [richText(paragraph({ type: "canvas" }))],
      [0, "elements", 0, "elements", 0, "type"],
    ],
  ])("report %s at its type", (_what, blocks, path) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "invalid_union", path }]);
  });
});

describe("unknown keys", () => {
  it.each<[where: string, blocks: unknown[], path: Path, key: string]>([
    [
      "a rich text style",
      [richText(paragraph({ type: "text", text: "x", style: { blink: true } }))],
      [0, "elements", 0, "elements", 0, "style"],
      "blink",
    ],
  ])("reject an unknown key in %s", (_where, blocks, path, key) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "unrecognized_keys", path, keys: [key] }]);
  });
});

describe("other rules", () => {
  it.each<[what: string, blocks: unknown[], path: Path]>([
    [
      "a link to a data: URL",
      [richText(paragraph({ type: "link", url: "data:text/html,x" }))],
      [0, "elements", 0, "elements", 0, "url"],
    ],
  ])("rejects %s", (_what, blocks, path) => {
    expect(pathsOf(blocks)).toEqual([path]);
  });

  it.each([
    ["#1d9bd1", true],
    ["1D9BD1", true],
    ["#fff", false],
    ["#gg0000", false],
  ])("checks the rich text color %s", (value, valid) => {
    expect(issuesOf([richText(paragraph({ type: "color", value }))]).length === 0).toBe(valid);
  });

  it.each([
    [
      "a list style",
      [richText({ type: "rich_text_list", style: "roman", elements: [paragraph()] })],
      [0, "elements", 0, "style"],
    ],
    [
      "a broadcast range",
      [richText(paragraph({ type: "broadcast", range: "admins" }))],
      [0, "elements", 0, "elements", 0, "range"],
    ],
  ])("rejects an unknown value of %s", (_what, blocks, path) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "invalid_value", path }]);
  });
});

describe("minimal valid forms", () => {
  it("accept every rich text element", () => {
    const blocks = [
      richText(
        paragraph(
          { type: "text", text: "Hi ", style: { bold: true, italic: true, strike: true, code: true } },
          { type: "link", url: "https://example.com", text: "docs", unsafe: false },
          { type: "emoji", name: "wave", unicode: "1f44b", skin_tone: 2 },
          { type: "user", user_id: "U0123ABC" },
          { type: "channel", channel_id: "C0123ABC" },
          { type: "usergroup", usergroup_id: "S0123ABC" },
          { type: "team", team_id: "T0123ABC" },
          { type: "broadcast", range: "here" },
          { type: "date", timestamp: 1_764_064_800, format: "{date_short_pretty} at {time}", fallback: "Nov 25" },
          { type: "color", value: "#1d9bd1" },
        ),
        { type: "rich_text_list", style: "ordered", indent: 1, offset: 2, border: 1, elements: [paragraph()] },
        { type: "rich_text_preformatted", language: "typescript", elements: [{ type: "text", text: "const a = 1;" }] },
        { type: "rich_text_quote", border: 0, elements: [{ type: "text", text: "Quoted" }] },
      ),
    ];
    expect(issuesOf(blocks)).toEqual([]);
  });
});

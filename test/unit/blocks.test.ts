import { type Schema, Validator } from "@cfworker/json-schema";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import * as blockSchemas from "../../src/schemas/blocks";
import {
  ActionsElement,
  Block,
  Blocks,
  InputElement,
  BLOCK_KIT_LIMITS as L,
  SectionAccessory,
} from "../../src/schemas/blocks";

// ---------------------------------------------------------------------------------------------------
// Builders: the smallest valid payloads, which each test changes in one place.
// ---------------------------------------------------------------------------------------------------

type Path = PropertyKey[];
type Json = Record<string, unknown>;

const s = (length: number) => "x".repeat(length);
const url = (length: number) => {
  const base = "https://example.com/";
  return base + "a".repeat(length - base.length);
};
const plain = (text: string) => ({ type: "plain_text", text });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const option = (value: string, extra: Json = {}) => ({ text: plain(value), value, ...extra });
const options = (count: number) => Array.from({ length: count }, (_, i) => option(`o${i}`));
const times = <T>(count: number, make: (i: number) => T) => Array.from({ length: count }, (_, i) => make(i));

const button = (extra: Json = {}) => ({ type: "button", text: plain("Go"), ...extra });
const select = (extra: Json = {}) => ({ type: "static_select", options: options(2), ...extra });
const overflow = (extra: Json = {}) => ({ type: "overflow", options: options(2), ...extra });
const datepicker = (extra: Json = {}) => ({ type: "datepicker", ...extra });
const checkboxes = (extra: Json = {}) => ({ type: "checkboxes", options: options(2), ...extra });
const radioButtons = (extra: Json = {}) => ({ type: "radio_buttons", options: options(2), ...extra });
const textInput = (extra: Json = {}) => ({ type: "plain_text_input", ...extra });
const imageElement = (extra: Json = {}) => ({
  type: "image",
  image_url: "https://example.com/a.png",
  alt_text: "A",
  ...extra,
});
const confirm = (extra: Json = {}) => ({
  title: plain("Sure?"),
  text: plain("Really?"),
  confirm: plain("Yes"),
  deny: plain("No"),
  ...extra,
});

const section = (extra: Json = {}) => ({ type: "section", text: mrkdwn("Hi"), ...extra });
const actions = (...elements: unknown[]) => ({ type: "actions", elements });
const input = (element: unknown, extra: Json = {}) => ({ type: "input", label: plain("Name"), element, ...extra });
const richText = (...elements: unknown[]) => ({ type: "rich_text", elements });
const paragraph = (...elements: unknown[]) => ({ type: "rich_text_section", elements });

const issuesOf = (blocks: unknown) => {
  const result = Blocks.safeParse(blocks);
  return result.success ? [] : result.error.issues;
};
const pathsOf = (blocks: unknown) => issuesOf(blocks).map((issue) => issue.path);

// ---------------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------------

/** A limit, a payload built around a size (a length or a count), and where exceeding it is reported. */
type LimitCase = [what: string, limit: number, build: (size: number) => unknown[], path: Path];

const limits: LimitCase[] = [
  ["blocks per message", L.blocksPerMessage, (n) => times(n, () => ({ type: "divider" })), []],
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
    "image element image_url",
    L.urlLength,
    (n) => [section({ accessory: imageElement({ image_url: url(n) }) })],
    [0, "accessory", "image_url"],
  ],
  [
    "image element alt_text",
    L.imageAltTextLength,
    (n) => [section({ accessory: imageElement({ alt_text: s(n) }) })],
    [0, "accessory", "alt_text"],
  ],
  [
    "context elements",
    L.contextElements,
    (n) => [{ type: "context", elements: times(n, () => mrkdwn("c")) }],
    [0, "elements"],
  ],
  ["context text", L.textLength, (n) => [{ type: "context", elements: [plain(s(n))] }], [0, "elements", 0, "text"]],
  ["actions elements", L.actionsElements, (n) => [actions(...times(n, () => button()))], [0, "elements"]],
  ["action_id", L.actionIdLength, (n) => [actions(button({ action_id: s(n) }))], [0, "elements", 0, "action_id"]],
  [
    "button text",
    L.buttonTextLength,
    (n) => [actions(button({ text: plain(s(n)) }))],
    [0, "elements", 0, "text", "text"],
  ],
  ["button value", L.buttonValueLength, (n) => [actions(button({ value: s(n) }))], [0, "elements", 0, "value"]],
  ["button url", L.urlLength, (n) => [actions(button({ url: url(n) }))], [0, "elements", 0, "url"]],
  [
    "button accessibility_label",
    L.accessibilityLabelLength,
    (n) => [actions(button({ accessibility_label: s(n) }))],
    [0, "elements", 0, "accessibility_label"],
  ],
  [
    "static_select options",
    L.selectOptions,
    (n) => [actions(select({ options: options(n) }))],
    [0, "elements", 0, "options"],
  ],
  [
    "static_select option_groups",
    L.selectOptionGroups,
    (n) => [
      actions({
        type: "static_select",
        option_groups: times(n, (i) => ({ label: plain(`g${i}`), options: options(1) })),
      }),
    ],
    [0, "elements", 0, "option_groups"],
  ],
  [
    "options of an option group",
    L.selectOptions,
    (n) => [actions({ type: "static_select", option_groups: [{ label: plain("g"), options: options(n) }] })],
    [0, "elements", 0, "option_groups", 0, "options"],
  ],
  [
    "option group label",
    L.optionGroupLabelLength,
    (n) => [actions({ type: "static_select", option_groups: [{ label: plain(s(n)), options: options(1) }] })],
    [0, "elements", 0, "option_groups", 0, "label", "text"],
  ],
  [
    "option text",
    L.optionTextLength,
    (n) => [actions(select({ options: [option("a"), { text: plain(s(n)), value: "b" }] }))],
    [0, "elements", 0, "options", 1, "text", "text"],
  ],
  [
    "option value",
    L.optionValueLength,
    (n) => [actions(select({ options: [option("a"), { text: plain("b"), value: s(n) }] }))],
    [0, "elements", 0, "options", 1, "value"],
  ],
  [
    "option description",
    L.optionDescriptionLength,
    (n) => [actions(select({ options: [option("a", { description: plain(s(n)) })] }))],
    [0, "elements", 0, "options", 0, "description", "text"],
  ],
  [
    "static_select placeholder",
    L.placeholderLength,
    (n) => [actions(select({ placeholder: plain(s(n)) }))],
    [0, "elements", 0, "placeholder", "text"],
  ],
  [
    "overflow options",
    L.overflowOptionsMax,
    (n) => [section({ accessory: overflow({ options: options(n) }) })],
    [0, "accessory", "options"],
  ],
  [
    "overflow option url",
    L.urlLength,
    (n) => [section({ accessory: overflow({ options: [option("a", { url: url(n) }), option("b")] }) })],
    [0, "accessory", "options", 0, "url"],
  ],
  [
    "datepicker placeholder",
    L.placeholderLength,
    (n) => [actions(datepicker({ placeholder: plain(s(n)) }))],
    [0, "elements", 0, "placeholder", "text"],
  ],
  [
    "checkboxes options",
    L.checkboxesOptions,
    (n) => [actions(checkboxes({ options: options(n) }))],
    [0, "elements", 0, "options"],
  ],
  [
    "checkboxes option text (mrkdwn)",
    L.optionTextLength,
    (n) => [actions(checkboxes({ options: [{ text: mrkdwn(s(n)), value: "a" }] }))],
    [0, "elements", 0, "options", 0, "text", "text"],
  ],
  [
    "radio_buttons options",
    L.radioButtonsOptions,
    (n) => [actions(radioButtons({ options: options(n) }))],
    [0, "elements", 0, "options"],
  ],
  ["input label", L.inputLabelLength, (n) => [input(textInput(), { label: plain(s(n)) })], [0, "label", "text"]],
  ["input hint", L.inputHintLength, (n) => [input(textInput(), { hint: plain(s(n)) })], [0, "hint", "text"]],
  [
    "plain_text_input max_length",
    L.plainTextInputLength,
    (n) => [input(textInput({ max_length: n }))],
    [0, "element", "max_length"],
  ],
  [
    "plain_text_input min_length",
    L.plainTextInputLength,
    (n) => [input(textInput({ min_length: n }))],
    [0, "element", "min_length"],
  ],
  [
    "plain_text_input initial_value",
    L.plainTextInputLength,
    (n) => [input(textInput({ initial_value: s(n) }))],
    [0, "element", "initial_value"],
  ],
  [
    "plain_text_input placeholder",
    L.placeholderLength,
    (n) => [input(textInput({ placeholder: plain(s(n)) }))],
    [0, "element", "placeholder", "text"],
  ],
  ["markdown block text", L.markdownTextLength, (n) => [{ type: "markdown", text: s(n) }], [0, "text"]],
  [
    "markdown text of all blocks together",
    L.markdownTotalLength,
    (n) => [{ type: "markdown", text: s(n - 5000) }, { type: "divider" }, { type: "markdown", text: s(5000) }],
    [2, "text"],
  ],
  [
    "confirm title",
    L.confirmTitleLength,
    (n) => [actions(button({ confirm: confirm({ title: plain(s(n)) }) }))],
    [0, "elements", 0, "confirm", "title", "text"],
  ],
  [
    "confirm text",
    L.confirmTextLength,
    (n) => [actions(button({ confirm: confirm({ text: mrkdwn(s(n)) }) }))],
    [0, "elements", 0, "confirm", "text", "text"],
  ],
  [
    "confirm button text",
    L.confirmButtonTextLength,
    (n) => [actions(button({ confirm: confirm({ confirm: plain(s(n)) }) }))],
    [0, "elements", 0, "confirm", "confirm", "text"],
  ],
  [
    "deny button text",
    L.confirmButtonTextLength,
    (n) => [actions(button({ confirm: confirm({ deny: plain(s(n)) }) }))],
    [0, "elements", 0, "confirm", "deny", "text"],
  ],
  ["rich_text elements", L.richTextElements, (n) => [richText(...times(n, () => paragraph()))], [0, "elements"]],
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
  it.each(limits)("accept %s at the limit (%i)", (_what, limit, build) => {
    expect(issuesOf(build(limit))).toEqual([]);
  });

  it.each(limits)("reject %s one over the limit (%i), at the offending field", (_what, limit, build, path) => {
    expect(pathsOf(build(limit + 1))).toEqual([path]);
  });

  it("rejects an overflow menu with fewer than 2 options", () => {
    expect(pathsOf([section({ accessory: overflow({ options: options(L.overflowOptionsMin - 1) }) })])).toEqual([
      [0, "accessory", "options"],
    ]);
  });

  it("rejects a plain_text_input whose min_length exceeds its max_length", () => {
    expect(pathsOf([input(textInput({ min_length: 10, max_length: 9 }))])).toEqual([[0, "element", "min_length"]]);
  });

  it("rejects empty text in a text object", () => {
    expect(pathsOf([{ type: "header", text: plain("") }])).toEqual([[0, "text", "text"]]);
  });

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

// ---------------------------------------------------------------------------------------------------
// Message-level rules
// ---------------------------------------------------------------------------------------------------

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
    // As src/app-factory.ts names the field in errors[].path for a `blocks` member of the body.
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

// ---------------------------------------------------------------------------------------------------
// Shapes: unknown types and keys, minimal forms
// ---------------------------------------------------------------------------------------------------

describe("block and element types", () => {
  it.each<[what: string, blocks: unknown[], path: Path]>([
    ["an unknown block type", [section(), { type: "table", rows: [] }], [1, "type"]],
    ["a block without a type", [section(), { text: plain("Hi") }], [1, "type"]],
    [
      "an unknown element in an actions block",
      [actions(button(), { type: "users_select" })],
      [0, "elements", 1, "type"],
    ],
    ["an image in an actions block", [actions(imageElement())], [0, "elements", 0, "type"]],
    ["a text input as a section accessory", [section({ accessory: textInput() })], [0, "accessory", "type"]],
    ["a button as an input element", [input(button())], [0, "element", "type"]],
    ["a button in a context block", [{ type: "context", elements: [button()] }], [0, "elements", 0, "type"]],
    ["an unknown rich text element", [richText({ type: "rich_text_table" })], [0, "elements", 0, "type"]],
    [
      "an unknown inline rich text element",
      [richText(paragraph({ type: "canvas" }))],
      [0, "elements", 0, "elements", 0, "type"],
    ],
  ])("report %s at its type", (_what, blocks, path) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "invalid_union", path }]);
  });

  it("reports a block that is not an object at the block", () => {
    expect(issuesOf([section(), "divider"])).toMatchObject([{ code: "invalid_type", path: [1] }]);
  });

  it("reports a non-array at the root", () => {
    expect(issuesOf({ type: "divider" })).toMatchObject([{ code: "invalid_type", path: [] }]);
  });

  it("accepts an empty array", () => {
    expect(issuesOf([])).toEqual([]);
  });
});

describe("unknown keys", () => {
  it.each<[where: string, blocks: unknown[], path: Path, key: string]>([
    ["a block", [{ type: "divider", colour: "red" }], [0], "colour"],
    ["a text object", [section({ text: { ...mrkdwn("Hi"), emoji: true } })], [0, "text"], "emoji"],
    ["a button", [actions(button({ color: "red" }))], [0, "elements", 0], "color"],
    [
      "a button's text",
      [actions(button({ text: { ...plain("Go"), bold: true } }))],
      [0, "elements", 0, "text"],
      "bold",
    ],
    [
      "a confirm dialog",
      [actions(button({ confirm: confirm({ icon: "warn" }) }))],
      [0, "elements", 0, "confirm"],
      "icon",
    ],
    [
      "a select option",
      [actions(select({ options: [option("a", { url: "https://e.com" })] }))],
      [0, "elements", 0, "options", 0],
      "url",
    ],
    ["an input element", [input(textInput({ rows: 3 }))], [0, "element"], "rows"],
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
  it("requires text or fields in a section", () => {
    expect(issuesOf([{ type: "section", block_id: "s" }])).toMatchObject([{ code: "custom", path: [0, "text"] }]);
  });

  it("rejects a static_select with both options and option_groups", () => {
    const both = select({ option_groups: [{ label: plain("g"), options: options(1) }] });
    expect(pathsOf([section({ accessory: both })])).toEqual([[0, "accessory", "option_groups"]]);
  });

  it("rejects a static_select with neither options nor option_groups", () => {
    expect(pathsOf([actions({ type: "static_select" })])).toEqual([[0, "elements", 0, "options"]]);
  });

  it.each<[what: string, blocks: unknown[], path: Path]>([
    ["a javascript: image URL", [{ type: "image", image_url: "javascript:alert(1)", alt_text: "A" }], [0, "image_url"]],
    ["a relative button URL", [actions(button({ url: "/approve" }))], [0, "elements", 0, "url"]],
    [
      "a link to a data: URL",
      [richText(paragraph({ type: "link", url: "data:text/html,x" }))],
      [0, "elements", 0, "elements", 0, "url"],
    ],
  ])("rejects %s", (_what, blocks, path) => {
    expect(pathsOf(blocks)).toEqual([path]);
  });

  it.each([
    ["2026-02-30", false],
    ["2026-11-25", true],
    ["25/11/2026", false],
  ])("checks the datepicker's initial_date %s", (date, valid) => {
    expect(issuesOf([actions(datepicker({ initial_date: date }))]).length === 0).toBe(valid);
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
    ["a button style", [actions(button({ style: "secondary" }))], [0, "elements", 0, "style"]],
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

// ---------------------------------------------------------------------------------------------------
// Minimal valid forms
// ---------------------------------------------------------------------------------------------------

const typesOf = (union: { options: readonly { shape: { type: { value: string } } }[] }) =>
  union.options.map((member) => member.shape.type.value);

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

const minimalElements: Record<string, Json> = {
  button: button(),
  image: imageElement(),
  static_select: select(),
  overflow: overflow(),
  datepicker: datepicker(),
  checkboxes: checkboxes(),
  radio_buttons: radioButtons(),
  plain_text_input: textInput(),
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

  it.each(typesOf(SectionAccessory))("accept a minimal %s as a section accessory", (type) => {
    expect(issuesOf([section({ accessory: minimalElements[type] })])).toEqual([]);
  });

  it.each(typesOf(ActionsElement))("accept a minimal %s in an actions block", (type) => {
    expect(issuesOf([actions(minimalElements[type])])).toEqual([]);
  });

  it.each(typesOf(InputElement))("accept a minimal %s as an input element", (type) => {
    expect(issuesOf([input(minimalElements[type])])).toEqual([]);
  });

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

// ---------------------------------------------------------------------------------------------------
// Realistic messages (adapted from TightknitAI/slack-block-kit-validator's real-world fixtures)
// ---------------------------------------------------------------------------------------------------

const realWorldMessages: [name: string, blocks: unknown[]][] = [
  [
    "a welcome message: header, section, divider and buttons",
    [
      { type: "header", text: { type: "plain_text", text: "Welcome!" } },
      {
        type: "section",
        text: { type: "mrkdwn", text: "Hi <@U123ABC>, thanks for joining. What would you like to do next?" },
      },
      { type: "divider" },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: "Start onboarding" },
            style: "primary",
            action_id: "start_onboarding",
            value: "start",
          },
          {
            type: "button",
            text: { type: "plain_text", text: "Take a tour" },
            action_id: "take_tour",
            url: "https://example.com/tour",
          },
        ],
      },
    ],
  ],
  [
    "a settings form: inputs with text, channel choice, checkboxes and a date",
    [
      {
        type: "input",
        block_id: "name",
        label: { type: "plain_text", text: "Display name" },
        element: { type: "plain_text_input", action_id: "name_input", min_length: 1, max_length: 50 },
      },
      {
        type: "input",
        block_id: "channel",
        label: { type: "plain_text", text: "Default channel" },
        element: {
          type: "static_select",
          action_id: "channel_pick",
          placeholder: { type: "plain_text", text: "Choose a channel" },
          option_groups: [
            {
              label: { type: "plain_text", text: "Public" },
              options: [
                { text: { type: "plain_text", text: "#general" }, value: "C001" },
                { text: { type: "plain_text", text: "#random" }, value: "C002" },
              ],
            },
            {
              label: { type: "plain_text", text: "Private" },
              options: [{ text: { type: "plain_text", text: "#core-team" }, value: "G001" }],
            },
          ],
        },
      },
      {
        type: "input",
        block_id: "notify",
        label: { type: "plain_text", text: "Notifications" },
        element: {
          type: "checkboxes",
          action_id: "notify_opts",
          options: [
            { text: { type: "mrkdwn", text: "*Replies* to my messages" }, value: "replies" },
            { text: { type: "mrkdwn", text: "*Mentions* of me" }, value: "mentions" },
          ],
          initial_options: [{ text: { type: "mrkdwn", text: "*Mentions* of me" }, value: "mentions" }],
        },
      },
      {
        type: "input",
        block_id: "digest",
        label: { type: "plain_text", text: "Digest" },
        hint: { type: "plain_text", text: "We send at most one a day." },
        element: {
          type: "radio_buttons",
          action_id: "digest_frequency",
          options: [
            { text: { type: "plain_text", text: "Daily" }, value: "daily" },
            {
              text: { type: "plain_text", text: "Weekly" },
              value: "weekly",
              description: { type: "mrkdwn", text: "On *Mondays*" },
            },
          ],
        },
        optional: true,
      },
      {
        type: "input",
        block_id: "vacation",
        dispatch_action: true,
        label: { type: "plain_text", text: "Away until" },
        element: { type: "datepicker", action_id: "away_until", initial_date: "2026-12-24" },
        optional: true,
      },
    ],
  ],
  [
    "a dashboard in rich text: mention, emoji and a bullet list",
    [
      { type: "header", text: { type: "plain_text", text: "Your dashboard" } },
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "Hey ", style: { bold: true } },
              { type: "user", user_id: "U123ABC" },
              { type: "text", text: ", here’s what’s new " },
              { type: "emoji", name: "wave", skin_tone: 2 },
            ],
          },
          {
            type: "rich_text_list",
            style: "bullet",
            elements: [
              { type: "rich_text_section", elements: [{ type: "text", text: "3 new replies" }] },
              { type: "rich_text_section", elements: [{ type: "text", text: "1 pending approval" }] },
            ],
          },
        ],
      },
    ],
  ],
  [
    "a deeply nested rich text block",
    [
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "Hi " },
              { type: "user", user_id: "U1" },
              { type: "text", text: " — ping " },
              { type: "broadcast", range: "channel" },
            ],
          },
          {
            type: "rich_text_list",
            style: "ordered",
            elements: [
              { type: "rich_text_section", elements: [{ type: "text", text: "one" }] },
              { type: "rich_text_section", elements: [{ type: "text", text: "two" }] },
            ],
          },
          {
            type: "rich_text_preformatted",
            language: "javascript",
            elements: [{ type: "text", text: "console.log(1)" }],
          },
          { type: "rich_text_quote", elements: [{ type: "text", text: "quoted" }] },
        ],
      },
    ],
  ],
  [
    "an approval request: fields, overflow, context, select, date and a confirmed button",
    [
      {
        type: "section",
        block_id: "request",
        text: {
          type: "mrkdwn",
          text: "You have a new request:\n*<https://example.com/requests/42|Fred Enriquez - Time off>*",
        },
        fields: [
          { type: "mrkdwn", text: "*Type:*\nPaid time off" },
          { type: "mrkdwn", text: "*When:*\nAug 10 - Aug 13" },
          { type: "plain_text", text: "Hours: 16.0 (2 days)", emoji: true },
        ],
        accessory: {
          type: "overflow",
          action_id: "request_menu",
          options: [
            { text: { type: "plain_text", text: "Open in HR" }, value: "open", url: "https://example.com/hr/42" },
            { text: { type: "plain_text", text: "Remind me" }, value: "remind" },
            { text: { type: "plain_text", text: "Mute" }, value: "mute" },
          ],
        },
      },
      {
        type: "context",
        elements: [
          { type: "image", image_url: "https://example.com/fred.png", alt_text: "Fred Enriquez" },
          { type: "mrkdwn", text: "Submitted by *Fred* · <!date^1764064800^{date_short} at {time}|Nov 25>" },
        ],
      },
      {
        type: "actions",
        block_id: "decision",
        elements: [
          {
            type: "static_select",
            action_id: "delegate",
            placeholder: { type: "plain_text", text: "Delegate to…" },
            options: [
              { text: { type: "plain_text", text: "Ada" }, value: "ada" },
              { text: { type: "plain_text", text: "Grace" }, value: "grace" },
            ],
            initial_option: { text: { type: "plain_text", text: "Ada" }, value: "ada" },
          },
          { type: "datepicker", action_id: "decide_by", placeholder: { type: "plain_text", text: "Decide by" } },
          {
            type: "button",
            text: { type: "plain_text", text: "Approve", emoji: true },
            action_id: "approve",
            style: "primary",
            value: "42",
          },
          {
            type: "button",
            text: { type: "plain_text", text: "Deny", emoji: true },
            action_id: "deny",
            style: "danger",
            value: "42",
            confirm: {
              title: { type: "plain_text", text: "Deny this request?" },
              text: { type: "mrkdwn", text: "Fred is notified *right away*." },
              confirm: { type: "plain_text", text: "Deny" },
              deny: { type: "plain_text", text: "Keep it" },
              style: "danger",
            },
          },
        ],
      },
      {
        type: "image",
        image_url: "https://example.com/calendar.png",
        alt_text: "Team calendar for August",
        title: { type: "plain_text", text: "Who else is away" },
      },
    ],
  ],
  [
    "an agent's answer: markdown blocks and a source line",
    [
      { type: "markdown", text: "## Summary\n\nThe build failed in **`api`** because of a flaky test." },
      { type: "markdown", text: "```ts\nexpect(response.status).toBe(200);\n```" },
      { type: "divider" },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "Sources: <https://example.com/runs/981|run 981>", verbatim: true }],
      },
    ],
  ],
];

describe("realistic messages", () => {
  it.each(realWorldMessages)("accept %s", (_name, blocks) => {
    expect(issuesOf(blocks)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// OpenAPI
// ---------------------------------------------------------------------------------------------------

const buildDocument = () => {
  const app = new OpenAPIHono();
  app.openAPIRegistry.register("Blocks", Blocks);
  return app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Blocks", version: "1.0.0" } });
};

type SchemaNode = Record<string, unknown>;
const isNode = (value: unknown): value is SchemaNode => typeof value === "object" && value !== null;

/** Every schema object under `node` (examples are data, not schemas), with its JSON pointer. */
const schemaNodes = (node: unknown, pointer: string): [string, SchemaNode][] => {
  if (Array.isArray(node)) return node.flatMap((item, i) => schemaNodes(item, `${pointer}/${i}`));
  if (!isNode(node)) return [];
  const children = Object.entries(node)
    .filter(([key]) => key !== "example" && key !== "examples")
    .flatMap(([key, value]) => schemaNodes(value, `${pointer}/${key}`));
  return [[pointer, node], ...children];
};

const withoutExamples = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withoutExamples);
  if (!isNode(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== "example" && key !== "examples")
      .map(([key, value]) => [key, withoutExamples(value)]),
  );
};

/** Every exported zod schema, by name: each is the component of the same name. */
const zodSchemas = new Map<string, z.ZodType>();
for (const [name, value] of Object.entries(blockSchemas)) {
  if (value instanceof z.ZodType) zodSchemas.set(name, value);
}

describe("OpenAPI components", () => {
  const document = buildDocument();
  const components = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  const nodes = schemaNodes(components, "#/components/schemas");

  it("name every exported schema as a component", () => {
    expect(Object.keys(components).sort()).toEqual([...zodSchemas.keys()].sort());
  });

  it("bound every string (maxLength, enum or const, as the OWASP lint wants)", () => {
    const unbounded = nodes
      .filter(([, node]) => node.type === "string")
      .filter(([, node]) => node.maxLength === undefined && node.enum === undefined && node.const === undefined)
      .map(([pointer]) => pointer);
    expect(unbounded).toEqual([]);
  });

  it("bound every array with maxItems", () => {
    const unbounded = nodes
      .filter(([, node]) => node.type === "array" && node.maxItems === undefined)
      .map(([pointer]) => pointer);
    expect(unbounded).toEqual([]);
  });

  it("bound every integer, with a format", () => {
    const unbounded = nodes
      .filter(([, node]) => node.type === "integer")
      .filter(([, node]) => node.minimum === undefined || node.maximum === undefined || node.format === undefined)
      .map(([pointer]) => pointer);
    expect(unbounded).toEqual([]);
  });

  it("reject unknown keys in every object", () => {
    const open = nodes
      .filter(([, node]) => node.type === "object" && node.additionalProperties !== false)
      .map(([pointer]) => pointer);
    expect(open).toEqual([]);
  });

  it("describe Block as oneOf with a discriminator mapping each type to its component", () => {
    const mapping = Object.fromEntries(
      typesOf(Block).map((type) => [type, expect.stringMatching(/^#\/components\/schemas\/\w+Block$/)]),
    );
    expect(components.Block).toMatchObject({
      oneOf: expect.any(Array),
      discriminator: { propertyName: "type", mapping },
    });
  });

  it("give Blocks its limit and an example", () => {
    expect(components.Blocks).toMatchObject({
      type: "array",
      maxItems: L.blocksPerMessage,
      example: expect.any(Array),
    });
  });

  it("carry examples the schemas accept", () => {
    const examples = Object.entries(components).filter(([, component]) => component.example !== undefined);
    expect(examples.length).toBeGreaterThan(10);
    const rejected = examples
      .filter(([name, component]) => !zodSchemas.get(name)?.safeParse(component.example).success)
      .map(([name]) => name);
    expect(rejected).toEqual([]);
  });

  describe("as JSON Schema", () => {
    const id = "https://blocks.test/openapi.json";
    const validator = new Validator({ $ref: `${id}#/components/schemas/Blocks` }, "2020-12", false);
    validator.addSchema(withoutExamples(document) as Schema, id);

    it.each(realWorldMessages)("accept %s, as zod does", (_name, blocks) => {
      expect(validator.validate(blocks).errors).toEqual([]);
    });

    it("rejects an unknown key, as zod does", () => {
      expect(validator.validate([{ type: "divider", colour: "red" }]).valid).toBe(false);
    });

    it("rejects a text over its limit, as zod does", () => {
      expect(validator.validate([actions(button({ text: plain(s(L.buttonTextLength + 1)) }))]).valid).toBe(false);
    });
  });
});

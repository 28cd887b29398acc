// Composition objects: text objects, confirm dialogs, options and option groups.
import { describe, expect, it } from "vitest";
import { BLOCK_KIT_LIMITS as L } from "../../../src/schemas/blocks/limits";
import {
  actions,
  button,
  checkboxes,
  confirm,
  issuesOf,
  type LimitCase,
  mrkdwn,
  option,
  options,
  overflow,
  type Path,
  pathsOf,
  plain,
  s,
  section,
  select,
  testLimits,
  url,
} from "./builders";

const limits: LimitCase[] = [
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
    "overflow option url",
    L.urlLength,
    (n) => [section({ accessory: overflow({ options: [option("a", { url: url(n) }), option("b")] }) })],
    [0, "accessory", "options", 0, "url"],
  ],
  [
    "checkboxes option text (mrkdwn)",
    L.optionTextLength,
    (n) => [actions(checkboxes({ options: [{ text: mrkdwn(s(n)), value: "a" }] }))],
    [0, "elements", 0, "options", 0, "text", "text"],
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
];

describe("Block Kit limits", () => {
  testLimits(limits);

  it("rejects empty text in a text object", () => {
    expect(pathsOf([{ type: "header", text: plain("") }])).toEqual([[0, "text", "text"]]);
  });
});

describe("unknown keys", () => {
  it.each<[where: string, blocks: unknown[], path: Path, key: string]>([
    ["a text object", [section({ text: { ...mrkdwn("Hi"), emoji: true } })], [0, "text"], "emoji"],
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
  ])("reject an unknown key in %s", (_where, blocks, path, key) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "unrecognized_keys", path, keys: [key] }]);
  });
});

// Block elements: buttons, images, selects, overflow menus, date pickers, checkboxes, radio buttons and text
// inputs, and which of them each kind of block accepts.
import { describe, expect, it } from "vitest";
import { ActionsElement, InputElement, SectionAccessory } from "../../../src/schemas/blocks/elements";
import { BLOCK_KIT_LIMITS as L } from "../../../src/schemas/blocks/limits";
import {
  actions,
  button,
  checkboxes,
  datepicker,
  imageElement,
  input,
  issuesOf,
  type Json,
  type LimitCase,
  options,
  overflow,
  type Path,
  pathsOf,
  plain,
  radioButtons,
  s,
  section,
  select,
  testLimits,
  textInput,
  times,
  typesOf,
  url,
} from "./builders";

const limits: LimitCase[] = [
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
    "radio_buttons options",
    L.radioButtonsOptions,
    (n) => [actions(radioButtons({ options: options(n) }))],
    [0, "elements", 0, "options"],
  ],
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
];

describe("Block Kit limits", () => {
  testLimits(limits);

  it("rejects an overflow menu with fewer than 2 options", () => {
    expect(pathsOf([section({ accessory: overflow({ options: options(L.overflowOptionsMin - 1) }) })])).toEqual([
      [0, "accessory", "options"],
    ]);
  });

  it("rejects a plain_text_input whose min_length exceeds its max_length", () => {
    expect(pathsOf([input(textInput({ min_length: 10, max_length: 9 }))])).toEqual([[0, "element", "min_length"]]);
  });
});

describe("block and element types", () => {
  it.each<[what: string, blocks: unknown[], path: Path]>([
    [
      "an unknown element in an actions block",
      [actions(button(), { type: "users_select" })],
      [0, "elements", 1, "type"],
    ],
    ["an image in an actions block", [actions(imageElement())], [0, "elements", 0, "type"]],
    ["a text input as a section accessory", [section({ accessory: textInput() })], [0, "accessory", "type"]],
    ["a button as an input element", [input(button())], [0, "element", "type"]],
    ["a button in a context block", [{ type: "context", elements: [button()] }], [0, "elements", 0, "type"]],
  ])("report %s at its type", (_what, blocks, path) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "invalid_union", path }]);
  });
});

describe("unknown keys", () => {
  it.each<[where: string, blocks: unknown[], path: Path, key: string]>([
    ["a button", [actions(button({ color: "red" }))], [0, "elements", 0], "color"],
    ["an input element", [input(textInput({ rows: 3 }))], [0, "element"], "rows"],
  ])("reject an unknown key in %s", (_where, blocks, path, key) => {
    expect(issuesOf(blocks)).toMatchObject([{ code: "unrecognized_keys", path, keys: [key] }]);
  });
});

describe("other rules", () => {
  it("rejects a static_select with both options and option_groups", () => {
    const both = select({ option_groups: [{ label: plain("g"), options: options(1) }] });
    expect(pathsOf([section({ accessory: both })])).toEqual([[0, "accessory", "option_groups"]]);
  });

  it("rejects a static_select with neither options nor option_groups", () => {
    expect(pathsOf([actions({ type: "static_select" })])).toEqual([[0, "elements", 0, "options"]]);
  });

  it.each<[what: string, blocks: unknown[], path: Path]>([
    ["a relative button URL", [actions(button({ url: "/approve" }))], [0, "elements", 0, "url"]],
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

  it.each([["a button style", [actions(button({ style: "secondary" }))], [0, "elements", 0, "style"]]])(
    "rejects an unknown value of %s",
    (_what, blocks, path) => {
      expect(issuesOf(blocks)).toMatchObject([{ code: "invalid_value", path }]);
    },
  );
});

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
  it.each(typesOf(SectionAccessory))("accept a minimal %s as a section accessory", (type) => {
    expect(issuesOf([section({ accessory: minimalElements[type] })])).toEqual([]);
  });

  it.each(typesOf(ActionsElement))("accept a minimal %s in an actions block", (type) => {
    expect(issuesOf([actions(minimalElements[type])])).toEqual([]);
  });

  it.each(typesOf(InputElement))("accept a minimal %s as an input element", (type) => {
    expect(issuesOf([input(minimalElements[type])])).toEqual([]);
  });
});

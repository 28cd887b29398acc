// Builders: the smallest valid payloads, which each test changes in one place, and what the test files share.
import { expect, it } from "vitest";
import { Blocks } from "../../../src/schemas/blocks/message-rules";

export type Path = PropertyKey[];
export type Json = Record<string, unknown>;

export const s = (length: number) => "x".repeat(length);
export const url = (length: number) => {
  const base = "https://example.com/";
  return base + "a".repeat(length - base.length);
};
export const plain = (text: string) => ({ type: "plain_text", text });
export const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
export const option = (value: string, extra: Json = {}) => ({ text: plain(value), value, ...extra });
export const options = (count: number) => Array.from({ length: count }, (_, i) => option(`o${i}`));
export const times = <T>(count: number, make: (i: number) => T) => Array.from({ length: count }, (_, i) => make(i));

export const button = (extra: Json = {}) => ({ type: "button", text: plain("Go"), ...extra });
export const select = (extra: Json = {}) => ({ type: "static_select", options: options(2), ...extra });
export const overflow = (extra: Json = {}) => ({ type: "overflow", options: options(2), ...extra });
export const datepicker = (extra: Json = {}) => ({ type: "datepicker", ...extra });
export const checkboxes = (extra: Json = {}) => ({ type: "checkboxes", options: options(2), ...extra });
export const radioButtons = (extra: Json = {}) => ({ type: "radio_buttons", options: options(2), ...extra });
export const textInput = (extra: Json = {}) => ({ type: "plain_text_input", ...extra });
export const imageElement = (extra: Json = {}) => ({
  type: "image",
  image_url: "https://example.com/a.png",
  alt_text: "A",
  ...extra,
});
export const confirm = (extra: Json = {}) => ({
  title: plain("Sure?"),
  text: plain("Really?"),
  confirm: plain("Yes"),
  deny: plain("No"),
  ...extra,
});

export const section = (extra: Json = {}) => ({ type: "section", text: mrkdwn("Hi"), ...extra });
export const actions = (...elements: unknown[]) => ({ type: "actions", elements });
export const input = (element: unknown, extra: Json = {}) => ({
  type: "input",
  label: plain("Name"),
  element,
  ...extra,
});
export const richText = (...elements: unknown[]) => ({ type: "rich_text", elements });
export const paragraph = (...elements: unknown[]) => ({ type: "rich_text_section", elements });

export const issuesOf = (blocks: unknown) => {
  const result = Blocks.safeParse(blocks);
  return result.success ? [] : result.error.issues;
};
export const pathsOf = (blocks: unknown) => issuesOf(blocks).map((issue) => issue.path);

/** A limit, a payload built around a size (a length or a count), and where exceeding it is reported. */
export type LimitCase = [what: string, limit: number, build: (size: number) => unknown[], path: Path];

/** The two tests of every limit: accepted at the limit, rejected one over it at the offending field. */
export const testLimits = (limits: LimitCase[]) => {
  it.each(limits)("accept %s at the limit (%i)", (_what, limit, build) => {
    expect(issuesOf(build(limit))).toEqual([]);
  });

  it.each(limits)("reject %s one over the limit (%i), at the offending field", (_what, limit, build, path) => {
    expect(pathsOf(build(limit + 1))).toEqual([path]);
  });
};

export const typesOf = (union: { options: readonly { shape: { type: { value: string } } }[] }) =>
  union.options.map((member) => member.shape.type.value);

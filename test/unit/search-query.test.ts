import { describe, expect, it } from "vitest";
import {
  decodeSearchCursor,
  encodeSearchCursor,
  MAX_SEARCH_TERMS,
  toFtsQuery,
} from "../../src/routes/search/search-query";
import { parseSnippet } from "../../src/wire/search";

describe("search queries", () => {
  it.each([
    ["churn report", '"churn" "report"'],
    ['"churn report" q3', '"churn report" "q3"'],
    ["deplo*", '"deplo"*'],
    ['say "hi', '"say" "hi"'],
    ["AND OR NOT", '"AND" "OR" "NOT"'],
    ["text:secret", '"text:secret"'],
    ['a"b', '"ab"'],
    ["  spaced   out ", '"spaced" "out"'],
    ["nul\u0000byte", '"nulbyte"'],
  ])("turns %j into the FTS5 query %j", (query, fts) => {
    expect(toFtsQuery(query)).toBe(fts);
  });

  it("drops terms without a letter or digit, and answers null when none is left", () => {
    expect(toFtsQuery("... hello ---")).toBe('"hello"');
    expect(toFtsQuery('* "" ...')).toBeNull();
  });

  it(`keeps at most ${MAX_SEARCH_TERMS} terms`, () => {
    const query = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    expect(toFtsQuery(query)?.split(" ")).toHaveLength(MAX_SEARCH_TERMS);
  });
});

describe("search snippets", () => {
  it("turns FTS5's marks into plain text and the ranges of the matches", () => {
    expect(parseSnippet("…the \uE000churn\uE001 \uE000report\uE001 is…")).toEqual({
      text: "…the churn report is…",
      highlights: [
        { start: 5, end: 10 },
        { start: 11, end: 17 },
      ],
    });
  });

  it("counts in UTF-16 code units, as JavaScript strings index", () => {
    const { text, highlights } = parseSnippet("💥 \uE000boom\uE001");
    expect(highlights.map(({ start, end }) => text.slice(start, end))).toEqual(["boom"]);
  });

  it("cuts a snippet at 2,000 characters, closing a highlight it cuts through", () => {
    const { text, highlights } = parseSnippet(`\uE000${"a".repeat(3000)}\uE001 tail`);
    expect(text).toHaveLength(2000);
    expect(text.endsWith("…")).toBe(true);
    expect(highlights).toEqual([{ start: 0, end: 1999 }]);
  });

  it("survives stray marks without failing", () => {
    expect(parseSnippet("a\uE001b\uE000c")).toEqual({ text: "abc", highlights: [] });
  });
});

describe("search cursors", () => {
  it("round-trip a score and a row exactly", () => {
    const position = { score: -1.2345678901234567, row: 42 };
    expect(decodeSearchCursor(encodeSearchCursor(position))).toEqual(position);
  });

  it.each(["%%%", btoa("[1]"), btoa('["a", 1]'), btoa("[1, 1.5]"), btoa("{}")])("refuse %s", (cursor) => {
    expect(decodeSearchCursor(cursor)).toBeNull();
  });
});

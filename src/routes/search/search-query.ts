import { base64url } from "jose";

/** Terms one search may combine (all must match). */
export const MAX_SEARCH_TERMS = 32;

/**
 * The words and "quoted phrases" of a user's query as an FTS5 query in which every term must match.
 * Each term is quoted, so FTS5's own syntax (AND, NEAR, column filters, stray quotes) can never
 * make the query fail; a trailing `*` on a word asks for a prefix. Control characters go (FTS5
 * reads NUL as the end of the query), and terms without a letter or digit are dropped, as FTS5's
 * tokenizer would drop them. Null when nothing searchable is left.
 */
export const toFtsQuery = (query: string): string | null => {
  const terms = [...query.matchAll(/"([^"]*)"|(\S+)/g)]
    .map(([, phrase, word]) => {
      const prefix = word?.endsWith("*") ?? false;
      const text = (phrase ?? word ?? "").replace(/\*+$/, "").replace(/["\p{Cc}]/gu, "");
      return { text, prefix };
    })
    .filter(({ text }) => /[\p{L}\p{N}]/u.test(text))
    .slice(0, MAX_SEARCH_TERMS);
  return terms.length === 0 ? null : terms.map(({ text, prefix }) => `"${text}"${prefix ? "*" : ""}`).join(" ");
};

/** Opaque cursors over ranked results: the score and row of the last result of a page. */
export const encodeSearchCursor = (position: { score: number; row: number }) =>
  base64url.encode(JSON.stringify([position.score, position.row]));

export const decodeSearchCursor = (cursor: string): { score: number; row: number } | null => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(cursor)));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [score, row] = value;
    return typeof score === "number" && Number.isFinite(score) && Number.isSafeInteger(row) ? { score, row } : null;
  } catch {
    return null;
  }
};

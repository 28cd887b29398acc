/** Rows the export reads per query: a REST list's largest page, so it never holds more than such a page does. */
export const EXPORT_PAGE_SIZE = 100;

/**
 * Every row of a keyset-paged list, page by page: `fetch` reads one page plus one row after a position
 * (undefined: from the start), `positionOf` is a row's position. A page is read only when the one before
 * has been taken, so a reader that stops pulling stops the queries.
 */
export async function* pagesOf<T, P>(
  fetch: (after: P | undefined) => Promise<T[]>,
  positionOf: (row: T) => P,
): AsyncGenerator<T[]> {
  let after: P | undefined;
  for (;;) {
    const rows = await fetch(after);
    const page = rows.slice(0, EXPORT_PAGE_SIZE);
    const last = page.at(-1);
    if (last === undefined) return;
    yield page;
    if (rows.length <= EXPORT_PAGE_SIZE) return;
    after = positionOf(last);
  }
}

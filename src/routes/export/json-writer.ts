import type { ExportSource } from "./export-source";

// The JSON export as pieces of text: one document, written while the pages are read. Each message (and each
// interaction, and each version) is on a line of its own — JSON escapes every newline inside a string — so a
// reader can also take it line by line.

const separator = (first: boolean) => (first ? "\n" : ",\n");

/** A JSON array of what `pages` yield, one piece per page. */
async function* jsonArray(pages: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  yield "[";
  let first = true;
  for await (const page of pages) {
    let piece = "";
    for (const item of page) {
      piece += separator(first) + JSON.stringify(item);
      first = false;
    }
    yield piece;
  }
  yield "\n]";
}

/** The artifacts, each as `{"artifact": …, "versions": […]}` with its versions streamed too. */
async function* artifactsArray(source: ExportSource): AsyncGenerator<string> {
  yield "[";
  let first = true;
  for await (const { artifact, versionPages } of source.artifacts()) {
    yield `${separator(first)}{"artifact":${JSON.stringify(artifact)},"versions":`;
    first = false;
    yield* jsonArray(versionPages);
    yield "}";
  }
  yield "\n]";
}

/** The `ThreadExport` document, its members in the schema's order. */
export async function* jsonExport(source: ExportSource): AsyncGenerator<string> {
  yield `{"exported_at":${JSON.stringify(source.exported_at)},\n"thread":${JSON.stringify(source.thread)},\n"memory":${JSON.stringify(source.memory)},\n"messages":`;
  yield* jsonArray(source.messagePages());
  yield ',\n"artifacts":';
  yield* artifactsArray(source);
  yield ',\n"interactions":';
  yield* jsonArray(source.interactionPages());
  yield "}\n";
}

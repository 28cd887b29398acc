import { describe, expect, it } from "vitest";
import { negotiate } from "../../src/http/content-negotiation";
import { createLogger } from "../../src/logging";
import type { ExportSource } from "../../src/routes/export/export-source";
import { jsonExport } from "../../src/routes/export/json-writer";
import { MARKDOWN_EXAMPLE } from "../../src/routes/export/markdown-example";
import { markdownExport } from "../../src/routes/export/markdown-writer";
import { textStream } from "../../src/routes/export/text-stream";
import { threadExportExample } from "../../src/wire/thread-export";

type Example = typeof threadExportExample;
type ExampleMessage = Example["messages"][number];
const firstMessage = threadExportExample.messages[0] as ExampleMessage;

async function* pages<T>(items: T[], size: number, onRead: () => void = () => {}): AsyncGenerator<T[]> {
  for (let start = 0; start < items.length; start += size) {
    onRead();
    yield items.slice(start, start + size);
  }
}

/** A source over a document held in memory, in pages of `size`; `onRead` is told of every page read. */
const sourceOf = (document: Example, size = 2, onRead?: () => void): ExportSource =>
  ({
    exported_at: document.exported_at,
    thread: document.thread,
    memory: document.memory,
    messagePages: () => pages(document.messages, size, onRead),
    artifacts: async function* () {
      for (const { artifact, versions } of document.artifacts) yield { artifact, versionPages: pages(versions, size) };
    },
    interactionPages: () => pages(document.interactions, size),
    seqsOf: async (ids: string[]) =>
      new Map(document.messages.filter((m) => ids.includes(m.id)).map((m) => [m.id, m.seq])),
  }) as ExportSource;

const collect = async (pieces: AsyncGenerator<string>) => {
  let text = "";
  for await (const piece of pieces) text += piece;
  return text;
};

const many = (count: number): Example => ({
  ...threadExportExample,
  messages: Array.from({ length: count }, (_, i) => ({ ...firstMessage, seq: i + 2, id: `m${i}` })),
  artifacts: [
    threadExportExample.artifacts[0],
    { ...threadExportExample.artifacts[0], versions: [] },
  ] as Example["artifacts"],
  interactions: [],
});

describe("the JSON export writer", () => {
  it("writes the document it is given, piece by piece", async () => {
    expect(JSON.parse(await collect(jsonExport(sourceOf(threadExportExample))))).toEqual(threadExportExample);
    const document = many(5);
    const text = await collect(jsonExport(sourceOf(document)));
    expect(JSON.parse(text)).toEqual(document);
    // One message per line: a reader can take them line by line.
    const lines = text.split("\n").filter((line) => line.startsWith('{"id":"m'));
    expect(lines.map((line) => JSON.parse(line.replace(/,$/, "")).id)).toEqual(document.messages.map((m) => m.id));
  });
});

describe("the Markdown export writer", () => {
  it("renders the spec's example as the spec shows it", async () => {
    expect(await collect(markdownExport(sourceOf(threadExportExample)))).toBe(MARKDOWN_EXAMPLE);
  });

  it("quotes replies and keeps fences closed whatever the content holds", async () => {
    const message = firstMessage;
    const document: Example = {
      ...threadExportExample,
      memory: { ...threadExportExample.memory, memory: { note: "```ts\nnot a fence```" } },
      messages: [
        { ...message, text: "Question?" },
        { ...message, id: "reply", seq: 3, parent_id: message.id, text: "Answer\n\non two paragraphs" },
      ],
    };
    const text = await collect(markdownExport(sourceOf(document)));
    expect(text).toContain("> **#3** · ↳ reply to #2 · ");
    expect(text).toContain("> Answer\n>\n> on two paragraphs");
    expect(text).toContain('````json\n{\n  "note": "```ts\\nnot a fence```"\n}\n````');
  });
});

describe("the export stream", () => {
  it("reads a page only when the client has taken what came before", async () => {
    let read = 0;
    const stream = textStream(jsonExport(sourceOf(many(50), 5, () => (read += 1))), createLogger());
    const reader = stream.getReader();
    let text = "";
    // The document's head, then the first page of messages.
    while (read === 0) text += new TextDecoder().decode((await reader.read()).value);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing read ahead while the client waits: at most the page just handed over.
    expect(read).toBe(1);
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      text += new TextDecoder().decode(next.value);
    }
    expect(read).toBe(10);
    expect(JSON.parse(text).messages).toHaveLength(50);
  });

  it("stops reading when the client goes away", async () => {
    let read = 0;
    const stream = textStream(jsonExport(sourceOf(many(50), 5, () => (read += 1))), createLogger());
    const reader = stream.getReader();
    while (read === 0) await reader.read();
    await reader.cancel();
    expect(read).toBe(1);
  });
});

describe("content negotiation", () => {
  const offered = ["application/json", "text/markdown"] as const;
  it.each([
    [undefined, "application/json"],
    ["", "application/json"],
    ["*/*", "application/json"],
    ["text/markdown", "text/markdown"],
    ["text/*", "text/markdown"],
    ["text/markdown;q=0.9, application/json;q=0.5", "text/markdown"],
    ["application/json;q=0.1, */*;q=0.5", "text/markdown"],
    ["text/html, application/json", "application/json"],
  ])("Accept %j → %s", (accept, expected) => {
    expect(negotiate(accept, offered)).toBe(expected);
  });

  it.each(["text/html", "application/xml, image/*", "application/json;q=0, text/markdown;q=0"])(
    "Accept %j → 406",
    (accept) => {
      expect(() => negotiate(accept, offered)).toThrow(expect.objectContaining({ status: 406 }));
    },
  );
});

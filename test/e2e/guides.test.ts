import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject, test } from "vitest";
import { GUIDES } from "../../scripts/guides.mjs";
import tools from "../../src/mcp/tools.generated.json";
import { repoRoot } from "./support/dev-server";
import { runShellBlocks, shellBlocks } from "./support/shell-blocks";

// Every shell block of the README and the guides, pasted in order into bash against the running service
// (`wrangler dev`): each must work as written. The README's walk-through and the getting-started tour also
// have their answers checked.

const MARKERS = { start: "<!-- curl-examples:start -->", end: "<!-- curl-examples:end -->" };

/** Guides whose blocks run the repository's scripts, or whose answers are checked (tested on their own, below). */
const FROM_THE_REPOSITORY = ["build-an-agent", "mcp", "chat-front-ends"];

/** A directory of its own for the files a guide makes (`printf … > q3-report.txt`). */
const scratch = () => mkdtempSync(join(tmpdir(), "guide-"));

interface Envelope<T> {
  success: boolean;
  data: T;
}
type Printed = [
  health: Envelope<{ status: string }>,
  created: Envelope<{ email: string; role: string }>,
  users: Envelope<{ email: string }[]>,
  reaction: Envelope<{ emoji: string; count: number; me: boolean }>,
  messages: Envelope<{ id: string; text: string; blocks: { type: string }[]; reactions: unknown[] }[]>,
  search: Envelope<{ message_id: string; snippet: { text: string; highlights: unknown[] } }[]>,
  events: Envelope<{ seq: number; type: string; thread_id: string }[]>,
  attached: Envelope<{ text: string; attachments: { id: string; filename: string; size_bytes: number }[] }>,
];
type PrintedLater = [
  artifact: Envelope<{ type: string; version: number; content: { claim: string } }>,
  clicked: Envelope<{ interaction: { kind: string; action: { block_id: string; action_id: string } } }>,
  preview: Envelope<{ kind?: string; status?: string }>,
  firstDelta: Envelope<{ message_id: string; length: number }>,
  secondDelta: Envelope<{ message_id: string; length: number }>,
  completed: Envelope<{ id: string; state: string; text: string }>,
  live: Envelope<{ status: string }>,
  activity: Envelope<{ text: string; actor: { type: string } }>,
  streamToken: Envelope<{ token: string; url: string }>,
  mine: { data: { seq: number; event: { type: string; thread_id: string } }[] },
];

test("the getting-started tour works against the running service, as written", async () => {
  const blocks = shellBlocks("docs/getting-started.md", MARKERS);
  expect(blocks).toHaveLength(1);
  expect(blocks.join("\n").match(/^curl /gm), "one printed answer per top-level curl").toHaveLength(21);
  const { stdout, run } = await runShellBlocks(blocks, inject("baseUrl"), { cwd: scratch() });
  const email = `ada-${run}@example.com`;
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  // Eight JSON answers, a file's bytes (a range of them, then all through the signed link), two more JSON answers.
  const [health, created, users, reaction, messages, search, events, attached] = lines
    .slice(0, 8)
    .map((line) => JSON.parse(line) as unknown) as Printed;
  expect(lines.slice(8, 10)).toEqual(["Q3 churn", "Q3 churn fell to 3.2%, from 4.1%."]);
  const [artifact, clicked, preview, firstDelta, secondDelta, completed, liveness, activity, streamToken, mine] = lines
    .slice(10, 20)
    .map((line) => JSON.parse(line) as unknown) as PrintedLater;
  // The last curl prints the live stream's lines until it stops: the click's event (seq 6), the streamed reply's
  // start and end (7, 8) — its deltas came before the stream opened — and the activity.
  const live = lines.slice(20);
  expect(live[0]).toBe("retry: 3000");
  expect(live).toEqual(
    expect.arrayContaining([
      "id: 6",
      "event: interaction.created",
      "event: message.created",
      "event: message.updated",
      "event: activity",
    ]),
  );
  expect(live.filter((line) => line.startsWith("id: "))).toEqual(["id: 6", "id: 7", "id: 8"]);

  expect(health).toMatchObject({ success: true, data: { status: "ok" } });
  expect(created).toMatchObject({ success: true, data: { email, role: "USER" } });
  expect(users).toMatchObject({ success: true, data: expect.arrayContaining([expect.objectContaining({ email })]) });
  expect(reaction).toMatchObject({ success: true, data: { emoji: "thumbsup", count: 1, me: true } });
  const [message] = messages.data;
  expect(message).toMatchObject({
    text: "Churn fell to 3.2% in Q3",
    blocks: [{ type: "section" }, { type: "actions" }],
    reactions: [{ emoji: "thumbsup", count: 1, me: true }],
  });
  expect(search.data.map((hit) => hit.message_id)).toContain(message?.id);
  expect(events.data.map((event) => [event.seq, event.type])).toEqual([
    [1, "thread.created"],
    [2, "message.created"],
    [3, "reaction.added"],
  ]);
  expect(artifact).toMatchObject({
    data: { type: "INSIGHT", version: 1, content: { claim: "Churn fell from 4.1% to 3.2%." } },
  });
  expect(clicked).toMatchObject({
    data: { interaction: { kind: "block_action", action: { block_id: "report", action_id: "open_report" } } },
  });
  // Made off the upload: ready (a text excerpt), or still pending.
  expect(preview.success).toBe(true);
  expect(preview.data.kind === "text" || preview.data.status === "PENDING").toBe(true);
  expect(activity).toMatchObject({ data: { text: "reading the report…", actor: { type: "user" } } });
  const threadId = events.data[0]?.thread_id;
  // Ada's user stream: her thread's creation, then her three messages in it (the streamed reply last).
  expect(mine.data.map((event) => [event.seq, event.event.type, event.event.thread_id])).toEqual([
    [1, "thread.created", threadId],
    [2, "message.created", threadId],
    [3, "message.created", threadId],
    [4, "message.created", threadId],
  ]);
  expect(firstDelta.data.length).toBe(9);
  expect(secondDelta.data).toEqual({ message_id: completed.data.id, length: 14 });
  expect(completed.data).toMatchObject({ state: "COMPLETE", text: "Churn is down." });
  expect(liveness.data).toEqual({ status: "ok" });
  expect(streamToken.data.url).toBe(`/threads/${threadId}/events?token=${encodeURIComponent(streamToken.data.token)}`);
  expect(attached).toMatchObject({
    data: { text: "The numbers are attached", attachments: [{ filename: "q3-churn.txt", size_bytes: 33 }] },
  });
});

test("the README's walk-through works against the running service, as written", async () => {
  const blocks = shellBlocks("README.md", MARKERS);
  expect(blocks).toHaveLength(1);
  const { stdout, run } = await runShellBlocks(blocks, inject("baseUrl"), { cwd: scratch() });
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  const [health, created, users, message] = lines.slice(0, 4).map((line) => JSON.parse(line) as unknown) as [
    Envelope<{ status: string }>,
    Envelope<{ email: string; role: string }>,
    Envelope<{ email: string }[]>,
    Envelope<{ thread_id: string; text: string; blocks: { type: string }[] }>,
  ];
  expect(health).toMatchObject({ success: true, data: { status: "ok" } });
  expect(created.data).toMatchObject({ email: `ada-${run}@example.com`, role: "USER" });
  expect(users.data.map((user) => user.email)).toContain(`ada-${run}@example.com`);
  expect(message.data).toMatchObject({ text: "Churn fell to 3.2% in Q3", blocks: [{ type: "section" }] });
  // Then the live stream until curl stops it: the thread's two events, in order.
  const live = lines.slice(4);
  expect(live[0]).toBe("retry: 3000");
  expect(live.filter((line) => line.startsWith("id: ") || line.startsWith("event: "))).toEqual([
    "id: 1",
    "event: thread.created",
    "id: 2",
    "event: message.created",
  ]);
});

test("every guide of the hosted reference, and every other page of docs/ with shell blocks, is in this suite", () => {
  const withShellBlocks = readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => name.replace(/\.md$/, ""))
    .filter((name) => shellBlocks(`docs/${name}.md`).length > 0);
  expect(withShellBlocks.every((name) => GUIDES.includes(name))).toBe(true);
  expect(GUIDES.every((name) => shellBlocks(`docs/${name}.md`).length > 0)).toBe(true);
});

// The tour's own block is checked above; these run all of each guide's blocks, in order, as one session.
test.each(GUIDES.filter((name) => name !== "getting-started" && !FROM_THE_REPOSITORY.includes(name)))(
  "every shell block of docs/%s.md works when pasted in order",
  async (name) => {
    const blocks = shellBlocks(`docs/${name}.md`);
    const { stdout } = await runShellBlocks(blocks, inject("baseUrl"), { cwd: scratch(), timeoutMs: 120_000 });
    expect(stdout.length).toBeGreaterThan(0);
  },
  150_000,
);

// It runs the repository's own `npm run agent`, so it runs where its reader is: in the repository.
test("the agent of docs/build-an-agent.md answers a person's message in their thread, as written", async () => {
  const blocks = shellBlocks("docs/build-an-agent.md");
  const { stdout } = await runShellBlocks(blocks, inject("baseUrl"), { cwd: repoRoot, timeoutMs: 120_000 });
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  expect(lines.at(-1)).toBe("You said: What was churn in Q3?");
}, 150_000);

// It runs the repository's own example with the MCP SDK's client.
test("the MCP client of docs/mcp.md lists its tools and answers in the thread over MCP, as written", async () => {
  const blocks = shellBlocks("docs/mcp.md");
  const { stdout } = await runShellBlocks(blocks, inject("baseUrl"), { cwd: repoRoot, timeoutMs: 120_000 });
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  // The key's scopes (threads:read, messages:write) give it the reads, its read mark and the message writes: 19 tools.
  expect(lines[0]?.split(" ")).toContain("append_message_delta");
  expect(lines[0]?.split(" ")).not.toContain("create_thread");
  expect(lines.slice(-2)).toEqual(["19 tools", "You asked: What was churn in Q3?"]);
}, 150_000);

test("the chat tour of docs/chat-front-ends.md streams the reply, then a regenerated one, as written", async () => {
  const blocks = shellBlocks("docs/chat-front-ends.md");
  const { stdout } = await runShellBlocks(blocks, inject("baseUrl"), { cwd: scratch(), timeoutMs: 120_000 });
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  const chunks = lines.filter((line) => line.startsWith("data: {")).map((line) => JSON.parse(line.slice(6)));
  const deltas = chunks.filter((chunk) => chunk.type === "text-delta").map((chunk) => chunk.delta);
  expect(deltas).toEqual(["Churn ", "fell to 3.2%.", "Churn fell from 4.1% to 3.2% in Q3."]);
  expect(chunks.filter((chunk) => chunk.type === "finish")).toHaveLength(2);
  const history = JSON.parse(lines.at(-2) ?? "") as { data: { role: string; parts: { text?: string }[] }[] };
  expect(history.data.map((message) => [message.role, message.parts[0]?.text])).toEqual([
    ["user", "How did churn do in Q3?"],
    ["assistant", "Churn fell to 3.2%."],
    ["assistant", "Churn fell from 4.1% to 3.2% in Q3."],
  ]);
  expect(lines.at(-1)).toBe("204");
}, 150_000);

test("docs/mcp.md lists every tool the MCP server offers, and no other", () => {
  const guide = readFileSync(join(repoRoot, "docs", "mcp.md"), "utf8");
  const listed = [...guide.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((match) => match[1]);
  expect(listed).toEqual(tools.map((tool) => tool.name));
});

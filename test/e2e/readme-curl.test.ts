import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, inject, test } from "vitest";
import { repoRoot } from "./support/dev-server";

const execFileAsync = promisify(execFile);
const README_ORIGIN = "http://localhost:8787";

/** The shell block between README.md's curl-examples markers, as a reader would paste it. */
const readmeScript = (): string => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = readme.match(/<!-- curl-examples:start -->([\s\S]*?)<!-- curl-examples:end -->/)?.[1];
  if (block === undefined) throw new Error("README.md has no <!-- curl-examples:start/end --> block");
  const script = block.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (script === undefined) throw new Error("README.md's curl-examples block has no ```sh fence");
  return script;
};

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

test("the README's curl examples work against the running service, as written", async () => {
  const email = `e2e-${randomUUID()}@example.com`;
  const admin = `e2e-admin-${randomUUID()}@example.com`;
  const script = readmeScript()
    .replaceAll(README_ORIGIN, inject("baseUrl"))
    // Fresh addresses each run, so reruns against the same database do not answer 409.
    .replaceAll("ada@example.com", email)
    .replaceAll("admin@example.com", admin);
  expect(script.match(/^curl /gm), "one printed answer per top-level curl").toHaveLength(21);

  // curl prints no newline after a body; the wrapper adds one so each printed answer is one line.
  const { stdout } = await execFileAsync(
    "bash",
    ["-euo", "pipefail", "-c", `curl() { command curl "$@"; echo; }\n${script}`],
    {
      timeout: 30_000,
    },
  );
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

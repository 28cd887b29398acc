import type { Actor } from "../../principal";
import type { InteractionWire } from "../../wire/interactions";
import type { MessageWire } from "../../wire/messages";
import type { ExportSource } from "./export-source";

// The Markdown export: a transcript for people, written while the pages are read, from the same objects as the
// JSON export. Texts are the messages' own Markdown, as they were written.

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

const who = (actor: Actor | null) =>
  actor === null ? "a deleted user" : actor.type === "user" ? `user ${actor.id}` : `API key ${actor.id}`;

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

const UNITS = ["B", "KiB", "MiB", "GiB"] as const;
const size = (bytes: number) => {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
};

/** A fenced block, its fence longer than any run of backticks inside (so the content cannot close it). */
const fenced = (text: string, language: string) => {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}\n`;
};

const json = (value: unknown) => fenced(JSON.stringify(value, null, 2), "json");

const attachmentLines = (attachments: MessageWire["attachments"]) =>
  attachments.map((file) => `📎 ${oneLine(file.filename)} (${size(file.size_bytes)}, ${file.content_type})`);

const stateNote = (message: MessageWire) =>
  message.deleted_at !== null
    ? "_This message was deleted._"
    : message.state === "STREAMING"
      ? "_Still being written._"
      : message.state === "INCOMPLETE"
        ? `_Incomplete (${message.incomplete_reason ?? "ended early"})._`
        : null;

/** One message: a heading line, its text, then what hangs on it; a reply is quoted, with its parent's number. */
const messageMarkdown = (message: MessageWire, parentSeqs: Map<string, number>) => {
  const heading = [
    `**#${message.seq}**`,
    message.parent_id === null ? null : `↳ reply to #${parentSeqs.get(message.parent_id) ?? "?"}`,
    message.role,
    who(message.author),
    when(message.created_at),
    message.edited_at === null ? null : "(edited)",
  ]
    .filter((part) => part !== null)
    .join(" · ");
  const body = [
    heading,
    "",
    ...(message.text === "" ? [] : [message.text, ""]),
    ...(message.blocks.length > 0 ? [`_${message.blocks.length} Block Kit block(s)._`, ""] : []),
    ...[stateNote(message)].flatMap((note) => (note === null ? [] : [note, ""])),
    ...attachmentLines(message.attachments).flatMap((line) => [line, ""]),
    ...(message.reactions.length > 0
      ? [`Reactions: ${message.reactions.map((reaction) => `:${reaction.emoji}: ${reaction.count}`).join(" · ")}`, ""]
      : []),
  ];
  const text = body.join("\n").trimEnd();
  const quoted =
    message.parent_id === null
      ? text
      : text
          .split("\n")
          .map((line) => (line === "" ? ">" : `> ${line}`))
          .join("\n");
  return `${quoted}\n\n`;
};

const interactionMarkdown = (interaction: InteractionWire) => {
  const what =
    interaction.kind === "block_action"
      ? `\`${interaction.action.block_id}/${interaction.action.action_id}\` (${interaction.action.type})${
          interaction.action.value === undefined ? "" : ` = ${oneLine(interaction.action.value)}`
        }${interaction.action.selected_options ? ` = ${interaction.action.selected_options.join(", ")}` : ""}${
          interaction.action.selected_date ? ` = ${interaction.action.selected_date}` : ""
        }`
      : `a form (${Object.keys(interaction.values).length} field(s))`;
  return `- ${when(interaction.created_at)} · ${who(interaction.actor)} · ${what} on message ${interaction.message_id}\n`;
};

/** The transcript: the thread, its memory, its messages by seq, its artifacts with their versions, its interactions. */
export async function* markdownExport(source: ExportSource): AsyncGenerator<string> {
  const { thread, memory } = source;
  yield [
    `# ${oneLine(thread.title)}`,
    "",
    `Thread ${thread.id} · owner user ${thread.owner_id} · ${thread.status} · created ${when(thread.created_at)} · ${thread.message_count} message(s) · exported ${when(source.exported_at)}`,
    "",
    `## Memory (version ${memory.version})`,
    "",
    Object.keys(memory.memory).length === 0 ? "_Empty._\n" : json(memory.memory),
    "## Messages",
    "",
    "",
  ].join("\n");
  for await (const page of source.messagePages()) {
    const parentSeqs = await source.seqsOf([...new Set(page.flatMap((message) => message.parent_id ?? []))]);
    yield page.map((message) => messageMarkdown(message, parentSeqs)).join("");
  }
  yield "## Artifacts\n\n";
  for await (const { artifact, versionPages } of source.artifacts()) {
    yield [
      `### ${artifact.type} · ${oneLine(artifact.title)} (version ${artifact.version})`,
      "",
      `By ${who(artifact.created_by)} · created ${when(artifact.created_at)} · updated ${when(artifact.updated_at)}`,
      "",
      ...(artifact.summary ? [artifact.summary, ""] : []),
      json(artifact.content),
      ...attachmentLines(artifact.attachments).flatMap((line) => [line, ""]),
      "Versions:",
      "",
      "",
    ].join("\n");
    for await (const page of versionPages) {
      yield page
        .map(
          (version) =>
            `- v${version.version} · ${oneLine(version.title)} · ${who(version.created_by)} · ${when(version.created_at)}\n`,
        )
        .join("");
    }
    yield "\n";
  }
  yield "## Interactions\n\n";
  for await (const page of source.interactionPages()) yield page.map(interactionMarkdown).join("");
}

import type { UiMessageChunk as UiChunk } from "../wire/chat";
import type { MessageSnapshot } from "../wire/messages";
import type { FileUrl } from "./file-links";
import { chatMetadataOf, type ReplyEvent } from "./reply";

/**
 * The AI SDK's UI message stream (`ai` 7, what `useChat`'s DefaultChatTransport reads): server-sent
 * events whose `data` is one JSON chunk, ended by `data: [DONE]`, announced by this header.
 */
export const UI_MESSAGE_STREAM_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache",
  "x-vercel-ai-ui-message-stream": "v1",
};

const textId = (messageId: string) => `text-${messageId}`;

/** What closes a reply: its blocks and files as parts, then how it ended. */
async function* ending(message: MessageSnapshot, end: string, fileUrl: FileUrl): AsyncGenerator<UiChunk> {
  yield { type: "text-end", id: textId(message.id) };
  if (message.blocks.length > 0) yield { type: "data-blocks", id: `blocks-${message.id}`, data: message.blocks };
  for (const file of message.attachments) {
    yield { type: "file", url: await fileUrl(file.id), mediaType: file.content_type };
  }
  const messageMetadata = chatMetadataOf(message);
  if (end === "stopped") {
    // How the AI SDK ends a generation stopped by its user: `abort`, with the metadata saying why.
    yield { type: "message-metadata", messageMetadata };
    yield { type: "abort", reason: "stopped" };
    return;
  }
  const finishReason = end === "complete" ? "stop" : end === "timed_out" ? "interrupted" : "other";
  yield { type: "finish", finishReason, messageMetadata };
}

/**
 * A reply as UI message chunks: `start` with our message id, its text as one text part, statuses as
 * transient `data-activity`, artifacts as `data-artifact` (one part per artifact, replaced when it
 * changes), blocks as `data-blocks`, attachments as `file` parts, and the end.
 */
export async function* uiMessageChunks(events: AsyncIterable<ReplyEvent>, fileUrl: FileUrl): AsyncGenerator<UiChunk> {
  // Artifacts published before the reply starts wait for its `start`, so they join its message.
  let waiting: UiChunk[] | null = [];
  for await (const event of events) {
    switch (event.type) {
      case "started":
        yield { type: "start", messageId: event.message.id, messageMetadata: chatMetadataOf(event.message) };
        yield { type: "text-start", id: textId(event.message.id) };
        yield* waiting ?? [];
        waiting = null;
        break;
      case "text":
        yield { type: "text-delta", id: textId(event.messageId), delta: event.delta };
        break;
      case "activity":
        yield { type: "data-activity", data: event.change, transient: true };
        break;
      case "artifact": {
        const chunk: UiChunk = { type: "data-artifact", id: event.artifact.id, data: event.artifact };
        if (waiting) waiting.push(chunk);
        else yield chunk;
        break;
      }
      case "ended":
        yield* ending(event.message, event.end, fileUrl);
        break;
      case "no_reply":
        yield* waiting ?? [];
        yield {
          type: "finish",
          finishReason: "other",
          messageMetadata: { reply: "none", waited_seconds: event.waitedSeconds },
        };
        break;
      case "lost":
        yield { type: "error", errorText: event.reason };
        break;
    }
  }
}

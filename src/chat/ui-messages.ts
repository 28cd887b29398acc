import type { UiMessage } from "../wire/chat";
import type { MessageWire } from "../wire/messages";
import type { FileUrl } from "./file-links";
import { CHAT_ROLES, chatMetadataOf } from "./reply";

/** A message as the AI SDK's `UIMessage`: text, then blocks, then attachments; where it lives, as metadata. */
export const toUiMessage = async (message: MessageWire, fileUrl: FileUrl): Promise<UiMessage> => ({
  id: message.id,
  role: CHAT_ROLES[message.role],
  parts: [
    { type: "text", text: message.text, state: message.state === "STREAMING" ? "streaming" : "done" },
    ...(message.blocks.length > 0
      ? [{ type: "data-blocks" as const, id: `blocks-${message.id}`, data: message.blocks }]
      : []),
    ...(await Promise.all(
      message.attachments.map(async (file) => ({
        type: "file" as const,
        url: await fileUrl(file.id),
        mediaType: file.content_type,
        filename: file.filename,
      })),
    )),
  ],
  metadata: chatMetadataOf(message),
});

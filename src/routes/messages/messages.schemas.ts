import { z } from "@hono/zod-openapi";
import { Blocks } from "../../schemas/blocks";
import { envelope, Id, MAX_PAGE_SIZE, pageEnvelope } from "../../schemas/common";
import { MetadataMap } from "../../schemas/metadata";
import {
  MESSAGE_LIMITS,
  MessageRoleSchema,
  MessageSchema,
  messageExample,
  StreamPositionSchema,
} from "../../wire/messages";
import { ReplyRequestSchema, replyRequestExample } from "../../wire/reply-requests";
import { decodeMessageCursor } from "./message-cursor";

const isBlank = (text: string) => text.trim().length === 0;
const LongText = z.string().max(MESSAGE_LIMITS.maxTextLength);
const textDescription = `The message as plain text (at most ${MESSAGE_LIMITS.maxTextLength.toLocaleString("en")} characters): what notifications, search and clients without Block Kit show.`;

const Text = LongText.refine((text) => !isBlank(text), "Must not be blank").openapi({
  description: `${textDescription} Always required, also next to \`blocks\`.`,
  example: "The Q3 churn report is ready.",
});

const FileIds = z
  .array(Id)
  .max(MESSAGE_LIMITS.maxAttachments)
  .refine((ids) => new Set(ids).size === ids.length, "Each file may be attached once")
  .openapi({
    uniqueItems: true,
    description: `Up to ${MESSAGE_LIMITS.maxAttachments} files to attach, in this order: ids of files you uploaded (admins and API keys: any file).`,
  });

const messageInputFields = {
  role: MessageRoleSchema.optional().openapi({
    description: "Defaults to USER for users and ASSISTANT for API keys; users may only post USER messages.",
  }),
  text: Text,
  blocks: Blocks.optional(),
  metadata: MetadataMap.optional(),
  file_ids: FileIds.optional(),
};

/** A message among the initial messages of a new thread. */
export const MessageInput = z
  .strictObject(messageInputFields)
  .openapi("MessageInput", { example: { text: "What changed in churn since last quarter?" } });

// Not `MessageInput.extend(...)`: extending a named strict schema emits an `allOf` whose second part
// forbids the first part's members.
export const CreateMessageBody = z
  .strictObject({
    ...messageInputFields,
    text: LongText.optional().openapi({
      description: `${textDescription} Required and not blank unless \`streaming\`; a streamed message may start empty.`,
      example: "The Q3 churn report is ready.",
    }),
    parent_id: Id.optional().openapi({
      description: "Post as a reply to this top-level message of the thread (like Slack's `thread_ts`).",
    }),
    streaming: z.boolean().optional().openapi({
      description:
        "`true` starts a streamed reply (Slack's `chat.startStream`): the message is STREAMING, you append its text with POST …/messages/{message_id}/deltas and finish it with POST …/messages/{message_id}/complete.",
    }),
  })
  .superRefine((body, ctx) => {
    if (body.streaming || (body.text !== undefined && !isBlank(body.text))) return;
    ctx.addIssue({
      code: "custom",
      path: ["text"],
      message: body.text === undefined ? "Required unless streaming" : "Must not be blank",
    });
  })
  .openapi("CreateMessageRequest", {
    example: {
      role: "ASSISTANT",
      text: "Churn fell from 4.1% to 3.2%.",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "*Churn* fell from 4.1% to 3.2%." } },
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: "open_report",
              text: { type: "plain_text", text: "Open report" },
              value: "q3",
            },
          ],
        },
      ],
      metadata: { report_id: "q3-churn" },
    },
  });

export const UpdateMessageBody = z
  .strictObject({
    text: Text.optional(),
    blocks: Blocks.nullable().optional().openapi({ description: "New blocks; null removes them." }),
    metadata: MetadataMap.nullable().optional().openapi({ description: "Replaces the metadata; null clears it." }),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdateMessageRequest", { example: { text: "Churn fell from 4.1% to 3.1% (corrected)." } });

export const ListMessagesQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, description: `Page size, 1–${MAX_PAGE_SIZE}.`, format: "int32" }),
  order: z
    .enum(["asc", "desc"])
    .default("desc")
    .openapi({
      param: { name: "order", in: "query" },
      description: "`desc` (default): newest first; `asc`: oldest first.",
    }),
  after: Id.optional().openapi({
    param: { name: "after", in: "query" },
    description: "Only messages stored after this message of the thread.",
  }),
  before: Id.optional().openapi({
    param: { name: "before", in: "query" },
    description: "Only messages stored before this message of the thread.",
  }),
  parent_id: Id.optional().openapi({
    param: { name: "parent_id", in: "query" },
    description: "Only the replies to this message.",
  }),
  top_level: z
    .enum(["true", "false"])
    .optional()
    .openapi({ param: { name: "top_level", in: "query" }, description: "`true`: only messages that are not replies." }),
  cursor: z
    .string()
    .max(512)
    .refine((cursor) => decodeMessageCursor(cursor) !== null, "Not a cursor returned by this API")
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description:
        "`next_cursor` of the previous page: continues in the same order and range (send the same filters; not with `after`, `before` or `order`).",
    }),
});

export const MessageParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "The thread's id." }),
  message_id: Id.openapi({ param: { name: "message_id", in: "path" } }),
});

export const MessageDeltaBody = z
  .strictObject({
    offset: z.int().min(0).max(MESSAGE_LIMITS.maxTextLength).openapi({
      format: "int32",
      description:
        "Where this text starts in the message: the length of its text so far, in UTF-16 code units (JavaScript's `string.length`). A retried delta (same offset, already stored) is applied once.",
    }),
    text: z.string().min(1).max(MESSAGE_LIMITS.maxTextLength).openapi({ description: "The text to append." }),
  })
  .openapi("MessageDeltaRequest", { example: { offset: 12, text: " fell from 4.1%" } });

export const StreamPositionResponse = envelope(StreamPositionSchema, "StreamPositionResponse", {
  message_id: "cmif7vj3k0000msg000000001",
  length: 27,
});

export const CompleteMessageBody = z
  .strictObject({
    text: Text.optional().openapi({
      description:
        "The final text, replacing what was streamed (e.g. with formatting fixed); without it the streamed text stays, and must not be blank.",
    }),
    blocks: Blocks.optional(),
    metadata: MetadataMap.optional(),
  })
  .openapi("CompleteMessageRequest", {
    example: { blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Churn* fell from 4.1% to 3.2%." } }] },
  });

export const MessageResponse = envelope(MessageSchema, "MessageResponse", messageExample);
export const MessagePage = pageEnvelope(MessageSchema, "MessagePage", messageExample);

export const ReplyRequestResponse = envelope(ReplyRequestSchema, "ReplyRequestResponse", replyRequestExample);

import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../../schemas/actor";
import { envelope, Id, PageQuery, pageEnvelope, Timestamp } from "../../schemas/common";
import { MessageSchema, messageExample } from "../messages/messages.schemas";

const BlockId = z.string().min(1).max(255);
const ActionId = z.string().min(1).max(255);

const selectionFields = {
  value: z.string().max(3000).optional().openapi({ description: "A button's value, or the text typed into an input." }),
  selected_options: z
    .array(z.string().min(1).max(150))
    .max(100)
    .optional()
    .openapi({ description: "The values of the options chosen (one for menus and radio buttons)." }),
  selected_date: z
    .string()
    .max(10)
    .optional()
    .openapi({ description: "`YYYY-MM-DD`, for a datepicker.", example: "2026-11-30" }),
};

export const BlockActionBody = z
  .strictObject({ block_id: BlockId, action_id: ActionId, ...selectionFields })
  .openapi("BlockActionRequest", { example: { block_id: "approval", action_id: "approve" } });

export const FormSubmissionBody = z
  .strictObject({
    values: z
      .record(BlockId, z.record(ActionId, z.strictObject(selectionFields)))
      .refine((values) => Object.keys(values).length <= 50, "At most 50 blocks")
      .openapi({
        description:
          "Per input block (by `block_id`), per element (by `action_id`): what was entered, as in Slack's `view_submission` `state.values`.",
        maxProperties: 50,
      }),
  })
  .openapi("FormSubmissionRequest", {
    example: {
      values: {
        reason: { reason_text: { value: "Budget approved" } },
        due: { due_date: { selected_date: "2026-12-01" } },
      },
    },
  });

const recordedFields = {
  type: z
    .enum(["button", "static_select", "overflow", "datepicker", "checkboxes", "radio_buttons", "plain_text_input"])
    .openapi({ description: "The type of the element acted on." }),
  ...selectionFields,
};

const RecordedSelectionSchema = z
  .object(recordedFields)
  .openapi("RecordedSelection", { description: "What was chosen, with the type of the element it was chosen in." });

const interactionFields = {
  id: Id,
  thread_id: Id,
  message_id: Id,
  actor: ActorSchema.openapi({ description: "Who acted." }),
  created_at: Timestamp,
};

export const InteractionSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        ...interactionFields,
        kind: z.literal("block_action"),
        action: z
          .object({ block_id: BlockId, action_id: ActionId, ...recordedFields })
          .openapi({ description: "The element acted on and what was chosen." }),
      })
      .openapi("BlockActionInteraction"),
    z
      .object({
        ...interactionFields,
        kind: z.literal("form_submission"),
        values: z
          .record(BlockId, z.record(ActionId, RecordedSelectionSchema))
          .openapi({ description: "The values of the message's input blocks, checked.", maxProperties: 50 }),
      })
      .openapi("FormSubmissionInteraction"),
  ])
  .openapi("Interaction", {
    description: "Someone acted on a message's blocks: Slack's `block_actions` or `view_submission`.",
  });

export const InteractionResultSchema = z
  .object({
    interaction: InteractionSchema,
    message: MessageSchema.openapi({ description: "The message as it is now (a one-time block is already replaced)." }),
  })
  .openapi("InteractionResult");

export const ListInteractionsQuery = PageQuery.extend({
  message_id: Id.optional().openapi({
    param: { name: "message_id", in: "query" },
    description: "Only this message's.",
  }),
});

const interactionExample: z.input<typeof InteractionSchema> = {
  id: "cmif7vj3k0000int000000001",
  thread_id: "cmif7vj3k0000thr000000001",
  message_id: "cmif7vj3k0000msg000000001",
  actor: { type: "user", id: "cmif7vj3k0000abcd12345678" },
  created_at: "2026-11-25T10:00:00.000Z",
  kind: "block_action",
  action: { block_id: "approval", action_id: "approve", type: "button", value: "42" },
};

export const InteractionResultResponse = envelope(InteractionResultSchema, "InteractionResultResponse", {
  interaction: interactionExample,
  message: messageExample,
});
export const InteractionPage = pageEnvelope(InteractionSchema, "InteractionPage", interactionExample);

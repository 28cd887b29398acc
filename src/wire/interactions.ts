import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../schemas/actor";
import { Id, Timestamp } from "../schemas/common";
import { MessageSchema } from "./messages";

export const BlockId = z.string().min(1).max(255);
export const ActionId = z.string().min(1).max(255);

export const selectionFields = {
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

export const interactionExample: z.input<typeof InteractionSchema> = {
  id: "cmif7vj3k0000int000000001",
  thread_id: "cmif7vj3k0000thr000000001",
  message_id: "cmif7vj3k0000msg000000001",
  actor: { type: "user", id: "cmif7vj3k0000abcd12345678" },
  created_at: "2026-11-25T10:00:00.000Z",
  kind: "block_action",
  action: { block_id: "approval", action_id: "approve", type: "button", value: "42" },
};

export type InteractionWire = z.infer<typeof InteractionSchema>;

import { z } from "@hono/zod-openapi";
import { envelope, Id, PageQuery, pageEnvelope } from "../../schemas/common";
import {
  ActionId,
  BlockId,
  InteractionResultSchema,
  InteractionSchema,
  interactionExample,
  selectionFields,
} from "../../wire/interactions";
import { messageExample } from "../../wire/messages";

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

export const ListInteractionsQuery = PageQuery.extend({
  message_id: Id.optional().openapi({
    param: { name: "message_id", in: "query" },
    description: "Only this message's.",
  }),
});

export const InteractionResultResponse = envelope(InteractionResultSchema, "InteractionResultResponse", {
  interaction: interactionExample,
  message: messageExample,
});
export const InteractionPage = pageEnvelope(InteractionSchema, "InteractionPage", interactionExample);

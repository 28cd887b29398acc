import { z } from "@hono/zod-openapi";
import { Block } from "./blocks";
import { BLOCK_KIT_LIMITS as L } from "./limits";

// `Blocks`, the blocks of one message, with the rules across them: count, unique ids, markdown total.

type Path = (string | number)[];

/** Every action_id of a block, with its path inside the block. */
const actionIdsOf = (block: Block): { actionId: string; path: Path }[] => {
  const found: { actionId: string; path: Path }[] = [];
  const add = (element: { action_id?: string | undefined } | undefined, path: Path) => {
    if (element?.action_id !== undefined) found.push({ actionId: element.action_id, path: [...path, "action_id"] });
  };
  if (block.type === "actions") {
    block.elements.forEach((element, index) => {
      add(element, ["elements", index]);
    });
  }
  if (block.type === "section" && block.accessory && block.accessory.type !== "image") {
    add(block.accessory, ["accessory"]);
  }
  if (block.type === "input") add(block.element, ["element"]);
  return found;
};

/**
 * Rules across blocks. Zod skips this while a block has the wrong shape (an unknown `type`, a value of
 * the wrong type); it still runs when blocks only exceed limits or carry unknown keys.
 */
const checkMessage = (blocks: Block[], ctx: z.RefinementCtx) => {
  const blockIds = new Map<string, number>();
  const actionIds = new Map<string, number>();
  let markdownTotal = 0;
  let markdownReported = false;
  blocks.forEach((block, index) => {
    if (block.block_id !== undefined) {
      const first = blockIds.get(block.block_id);
      if (first === undefined) blockIds.set(block.block_id, index);
      else
        ctx.addIssue({
          code: "custom",
          message: `block_id "${block.block_id}" is already used by block ${first}`,
          path: [index, "block_id"],
        });
    }
    for (const { actionId, path } of actionIdsOf(block)) {
      const first = actionIds.get(actionId);
      if (first === undefined) actionIds.set(actionId, index);
      else
        ctx.addIssue({
          code: "custom",
          message: `action_id "${actionId}" is already used in block ${first}`,
          path: [index, ...path],
        });
    }
    if (block.type === "markdown") {
      markdownTotal += block.text.length;
      // Reported once, where the total first goes over; a block over the limit alone already has its issue.
      if (!markdownReported && markdownTotal > L.markdownTotalLength) {
        markdownReported = true;
        if (block.text.length <= L.markdownTextLength) {
          ctx.addIssue({
            code: "custom",
            message: `Markdown blocks may hold ${L.markdownTotalLength} characters in total; this one brings them to ${markdownTotal}`,
            path: [index, "text"],
          });
        }
      }
    }
  });
};

export const Blocks = z
  .array(Block)
  .max(L.blocksPerMessage)
  .superRefine(checkMessage)
  .openapi("Blocks", {
    description:
      `Slack-compatible Block Kit blocks, at most ${L.blocksPerMessage}. \`block_id\`s are unique within the message, ` +
      "and so are `action_id`s.",
    example: [
      { type: "header", text: { type: "plain_text", text: "Deploy #42 needs approval" } },
      {
        type: "section",
        block_id: "summary",
        text: { type: "mrkdwn", text: "*api* `v1.8.0` → production, requested by <@U0123ABC>" },
        accessory: {
          type: "overflow",
          action_id: "more",
          options: [
            { text: { type: "plain_text", text: "View diff" }, value: "diff", url: "https://example.com/diff/42" },
            { text: { type: "plain_text", text: "Snooze" }, value: "snooze" },
          ],
        },
      },
      { type: "divider" },
      {
        type: "actions",
        block_id: "decision",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: "Approve" },
            action_id: "approve",
            style: "primary",
            value: "42",
          },
          {
            type: "button",
            text: { type: "plain_text", text: "Reject" },
            action_id: "reject",
            style: "danger",
            value: "42",
            confirm: {
              title: { type: "plain_text", text: "Reject deploy #42?" },
              text: { type: "plain_text", text: "The requester is notified." },
              confirm: { type: "plain_text", text: "Reject" },
              deny: { type: "plain_text", text: "Cancel" },
            },
          },
        ],
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "Expires in 24 hours" }] },
    ],
  });

export type Blocks = z.infer<typeof Blocks>;

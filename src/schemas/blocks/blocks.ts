import { z } from "@hono/zod-openapi";
import { TextObject } from "./composition";
import { ActionsElement, ContextElement, InputElement, SectionAccessory } from "./elements";
import { BLOCK_KIT_LIMITS as L } from "./limits";
import { plainText, textObject, Url } from "./primitives";
import { RichTextElement } from "./rich-text";

// The block types and `Block`, their union.

const BlockId = z
  .string()
  .min(1)
  .max(L.blockIdLength)
  .openapi({ description: "Identifies the block; unique within the message." });

export const SectionBlock = z
  .strictObject({
    type: z.literal("section"),
    block_id: BlockId.optional(),
    text: TextObject.optional(),
    fields: z.array(textObject(L.sectionFieldLength)).min(1).max(L.sectionFields).optional(),
    accessory: SectionAccessory.optional(),
    expand: z.boolean().optional(),
  })
  .superRefine((section, ctx) => {
    if (!section.text && !section.fields) {
      ctx.addIssue({ code: "custom", message: "A section needs text, fields or both", path: ["text"] });
    }
  })
  .openapi("SectionBlock", {
    description: "Text and/or up to 10 fields (shown in two columns), with an optional accessory element.",
    example: {
      type: "section",
      text: { type: "mrkdwn", text: "*Deploy #42* is waiting for approval." },
      fields: [
        { type: "mrkdwn", text: "*Service*\napi" },
        { type: "mrkdwn", text: "*Requested by*\nAda" },
      ],
      accessory: { type: "button", text: { type: "plain_text", text: "Approve" }, action_id: "approve" },
    },
  });

export const HeaderBlock = z
  .strictObject({
    type: z.literal("header"),
    block_id: BlockId.optional(),
    text: plainText(L.headerTextLength),
  })
  .openapi("HeaderBlock", {
    description: "A title in large, bold text.",
    example: { type: "header", text: { type: "plain_text", text: "Weekly report" } },
  });

export const DividerBlock = z
  .strictObject({ type: z.literal("divider"), block_id: BlockId.optional() })
  .openapi("DividerBlock", { description: "A horizontal rule.", example: { type: "divider" } });

export const ImageBlock = z
  .strictObject({
    type: z.literal("image"),
    block_id: BlockId.optional(),
    image_url: Url,
    alt_text: z.string().min(1).max(L.imageAltTextLength),
    title: plainText(L.imageTitleLength).optional(),
  })
  .openapi("ImageBlock", {
    description: "An image, with an optional title.",
    example: {
      type: "image",
      image_url: "https://example.com/chart.png",
      alt_text: "Requests per minute, last 24 hours",
      title: { type: "plain_text", text: "Traffic" },
    },
  });

export const ContextBlock = z
  .strictObject({
    type: z.literal("context"),
    block_id: BlockId.optional(),
    elements: z.array(ContextElement).min(1).max(L.contextElements),
  })
  .openapi("ContextBlock", {
    description: "A line of small images and text, such as an author or a timestamp.",
    example: {
      type: "context",
      elements: [
        { type: "image", image_url: "https://example.com/avatar.png", alt_text: "Ada" },
        { type: "mrkdwn", text: "Posted by *Ada* · 3 replies" },
      ],
    },
  });

export const ActionsBlock = z
  .strictObject({
    type: z.literal("actions"),
    block_id: BlockId.optional(),
    elements: z.array(ActionsElement).min(1).max(L.actionsElements),
    once: z.boolean().optional().openapi({
      description:
        "Ours, not Slack's (leave it out of blocks you send to Slack): `true` makes the row answer one action only — the first action replaces the block with a context line naming the choice, so it cannot be taken twice.",
    }),
  })
  .openapi("ActionsBlock", {
    description: "A row of interactive elements.",
    example: {
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Approve" },
          action_id: "approve",
          style: "primary",
          value: "42",
        },
        { type: "button", text: { type: "plain_text", text: "Reject" }, action_id: "reject", value: "42" },
      ],
    },
  });

export const InputBlock = z
  .strictObject({
    type: z.literal("input"),
    block_id: BlockId.optional(),
    label: plainText(L.inputLabelLength),
    element: InputElement,
    hint: plainText(L.inputHintLength).optional(),
    optional: z.boolean().optional(),
    dispatch_action: z.boolean().optional(),
  })
  .openapi("InputBlock", {
    description: "A labelled field that collects a value.",
    example: {
      type: "input",
      label: { type: "plain_text", text: "Reason" },
      element: { type: "plain_text_input", action_id: "reason", multiline: true },
      hint: { type: "plain_text", text: "Shown to the requester." },
      optional: true,
    },
  });

export const RichTextBlock = z
  .strictObject({
    type: z.literal("rich_text"),
    block_id: BlockId.optional(),
    elements: z.array(RichTextElement).max(L.richTextElements),
  })
  .openapi("RichTextBlock", {
    description: "Formatted text: paragraphs, lists, code and quotations, with mentions, links and emoji.",
    example: {
      type: "rich_text",
      elements: [
        {
          type: "rich_text_section",
          elements: [
            { type: "text", text: "Hi " },
            { type: "user", user_id: "cmif7vj3k0000abcd12345678" },
            { type: "text", text: ", the build is ", style: { bold: true } },
            { type: "emoji", name: "white_check_mark" },
          ],
        },
      ],
    },
  });

export const MarkdownBlock = z
  .strictObject({
    type: z.literal("markdown"),
    block_id: BlockId.optional(),
    text: z.string().min(1).max(L.markdownTextLength),
  })
  .openapi("MarkdownBlock", {
    description: `Standard markdown, as AI agents write it. All markdown blocks of a message hold at most ${L.markdownTotalLength} characters together.`,
    example: { type: "markdown", text: "**Summary**\n\n- 3 tests fixed\n- 1 flaky test quarantined" },
  });

export const Block = z
  .discriminatedUnion("type", [
    SectionBlock,
    HeaderBlock,
    DividerBlock,
    ImageBlock,
    ContextBlock,
    ActionsBlock,
    InputBlock,
    RichTextBlock,
    MarkdownBlock,
  ])
  .openapi("Block", { description: "A Block Kit block, told apart by `type`." });

export type SectionBlock = z.infer<typeof SectionBlock>;
export type HeaderBlock = z.infer<typeof HeaderBlock>;
export type DividerBlock = z.infer<typeof DividerBlock>;
export type ImageBlock = z.infer<typeof ImageBlock>;
export type ContextBlock = z.infer<typeof ContextBlock>;
export type ActionsBlock = z.infer<typeof ActionsBlock>;
export type InputBlock = z.infer<typeof InputBlock>;
export type RichTextBlock = z.infer<typeof RichTextBlock>;
export type MarkdownBlock = z.infer<typeof MarkdownBlock>;
export type Block = z.infer<typeof Block>;

import { z } from "@hono/zod-openapi";
import { BLOCK_KIT_LIMITS as L } from "./limits";
import { int32, Url } from "./primitives";

// The elements of a rich_text block: paragraphs, lists, code and quotations, and the runs inside them.

const ShortText = z.string().min(1).max(L.richTextShortTextLength);

export const RichTextStyle = z
  .strictObject({
    bold: z.boolean().optional(),
    italic: z.boolean().optional(),
    strike: z.boolean().optional(),
    code: z.boolean().optional(),
    // Not in Slack's reference but present in what Slack's own clients send.
    underline: z.boolean().optional(),
    highlight: z.boolean().optional(),
    client_highlight: z.boolean().optional(),
    unlink: z.boolean().optional(),
  })
  .openapi("RichTextStyle", { description: "How a run of rich text is styled." });

export const RichTextTextElement = z
  .strictObject({
    type: z.literal("text"),
    text: z.string().max(L.richTextTextLength),
    style: RichTextStyle.optional(),
  })
  .openapi("RichTextTextElement", { description: "A run of text." });

export const RichTextLinkElement = z
  .strictObject({
    type: z.literal("link"),
    url: Url,
    text: z.string().max(L.richTextTextLength).optional(),
    unsafe: z.boolean().optional(),
    style: RichTextStyle.optional(),
  })
  .openapi("RichTextLinkElement", { description: "A link; `text` is shown instead of the URL." });

export const RichTextEmojiElement = z
  .strictObject({
    type: z.literal("emoji"),
    name: ShortText,
    unicode: ShortText.optional(),
    skin_tone: int32(1, 6).optional(),
    style: RichTextStyle.optional(),
  })
  .openapi("RichTextEmojiElement", { description: "An emoji by name, e.g. `wave`." });

export const RichTextUserElement = z
  .strictObject({ type: z.literal("user"), user_id: ShortText, style: RichTextStyle.optional() })
  .openapi("RichTextUserElement", { description: "A mention of a user." });

export const RichTextChannelElement = z
  .strictObject({ type: z.literal("channel"), channel_id: ShortText, style: RichTextStyle.optional() })
  .openapi("RichTextChannelElement", { description: "A mention of a channel." });

export const RichTextUsergroupElement = z
  .strictObject({ type: z.literal("usergroup"), usergroup_id: ShortText, style: RichTextStyle.optional() })
  .openapi("RichTextUsergroupElement", { description: "A mention of a user group." });

export const RichTextTeamElement = z
  .strictObject({ type: z.literal("team"), team_id: ShortText, style: RichTextStyle.optional() })
  .openapi("RichTextTeamElement", { description: "A mention of a whole team." });

export const RichTextBroadcastElement = z
  .strictObject({
    type: z.literal("broadcast"),
    range: z.enum(["here", "channel", "everyone"]),
    style: RichTextStyle.optional(),
  })
  .openapi("RichTextBroadcastElement", { description: "An @here, @channel or @everyone mention." });

export const RichTextDateElement = z
  .strictObject({
    type: z.literal("date"),
    timestamp: z.int().min(0).max(L.richTextDateTimestampMax).openapi({ format: "int64" }),
    format: ShortText.openapi({ example: "{date_short_pretty} at {time}" }),
    url: Url.optional(),
    fallback: ShortText.optional(),
    style: RichTextStyle.optional(),
  })
  .openapi("RichTextDateElement", {
    description: "A date (Unix seconds) shown in the reader's time zone, formatted by `format`.",
  });

export const RichTextColorElement = z
  .strictObject({
    type: z.literal("color"),
    value: z
      .string()
      .max(7)
      .regex(/^#?[0-9a-fA-F]{6}$/, "Must be a hex color such as #1d9bd1"),
    style: RichTextStyle.optional(),
  })
  .openapi("RichTextColorElement", { description: "A hex color, shown with a swatch." });

export const RichTextInlineElement = z
  .discriminatedUnion("type", [
    RichTextTextElement,
    RichTextLinkElement,
    RichTextEmojiElement,
    RichTextUserElement,
    RichTextChannelElement,
    RichTextUsergroupElement,
    RichTextTeamElement,
    RichTextBroadcastElement,
    RichTextDateElement,
    RichTextColorElement,
  ])
  .openapi("RichTextInlineElement", { description: "A run of text, a link, an emoji, a mention, a date or a color." });

const inlineElements = z.array(RichTextInlineElement).max(L.richTextInlineElements);
const border = int32(0, 1).optional();

export const RichTextSectionElement = z
  .strictObject({ type: z.literal("rich_text_section"), elements: inlineElements })
  .openapi("RichTextSectionElement", { description: "A paragraph." });

export const RichTextListElement = z
  .strictObject({
    type: z.literal("rich_text_list"),
    style: z.enum(["bullet", "ordered"]),
    elements: z.array(RichTextSectionElement).min(1).max(L.richTextListItems),
    indent: int32(0, L.richTextListIndentMax).optional(),
    offset: int32(0, L.richTextListOffsetMax).optional(),
    border,
  })
  .openapi("RichTextListElement", { description: "A bulleted or numbered list, one section per item." });

export const RichTextPreformattedElement = z
  .strictObject({
    type: z.literal("rich_text_preformatted"),
    elements: inlineElements,
    border,
    language: ShortText.optional(),
  })
  .openapi("RichTextPreformattedElement", { description: "A code block." });

export const RichTextQuoteElement = z
  .strictObject({ type: z.literal("rich_text_quote"), elements: inlineElements, border })
  .openapi("RichTextQuoteElement", { description: "A quotation." });

export const RichTextElement = z
  .discriminatedUnion("type", [
    RichTextSectionElement,
    RichTextListElement,
    RichTextPreformattedElement,
    RichTextQuoteElement,
  ])
  .openapi("RichTextElement", { description: "A paragraph, list, code block or quotation of a rich_text block." });

export type RichTextStyle = z.infer<typeof RichTextStyle>;

import { z } from "@hono/zod-openapi";

/**
 * Slack-compatible Block Kit (https://docs.slack.dev/reference/block-kit) for the optional `blocks` of a
 * message: the blocks, elements and composition objects Slack documents, with Slack's published limits.
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  blockIdLength: 255,
  actionIdLength: 255,
  /** Any text object without a tighter limit (section text, context text). */
  textLength: 3000,
  sectionFields: 10,
  sectionFieldLength: 2000,
  headerTextLength: 150,
  urlLength: 3000,
  imageAltTextLength: 2000,
  imageTitleLength: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonTextLength: 75,
  buttonValueLength: 2000,
  accessibilityLabelLength: 75,
  placeholderLength: 150,
  selectOptions: 100,
  selectOptionGroups: 100,
  optionGroupLabelLength: 75,
  optionTextLength: 75,
  optionDescriptionLength: 75,
  optionValueLength: 150,
  overflowOptionsMin: 2,
  overflowOptionsMax: 5,
  checkboxesOptions: 10,
  radioButtonsOptions: 10,
  inputLabelLength: 2000,
  inputHintLength: 2000,
  /** Upper bound of a plain_text_input's `min_length`, `max_length` and `initial_value`. */
  plainTextInputLength: 3000,
  markdownTextLength: 12000,
  /** Sum of the `text` of all markdown blocks of one message. */
  markdownTotalLength: 12000,
  confirmTitleLength: 100,
  confirmTextLength: 300,
  confirmButtonTextLength: 30,
  richTextListIndentMax: 8,
  // Ours: Slack publishes no limit for the following, and every string and array of the contract is bounded.
  richTextElements: 100,
  richTextListItems: 100,
  richTextInlineElements: 1000,
  /** Slack's limit for a message's `text`; a rich text run cannot usefully be longer. */
  richTextTextLength: 40000,
  richTextListOffsetMax: 10000,
  /** Ids (user, channel, usergroup, team), emoji names, date formats and fallbacks, code languages. */
  richTextShortTextLength: 255,
  /** Unix seconds (year 2286): dates are 64-bit, like Slack's. */
  richTextDateTimestampMax: 9_999_999_999,
} as const;

const L = BLOCK_KIT_LIMITS;

// ---------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------

const BlockId = z
  .string()
  .min(1)
  .max(L.blockIdLength)
  .openapi({ description: "Identifies the block; unique within the message." });

const ActionId = z
  .string()
  .min(1)
  .max(L.actionIdLength)
  .openapi({ description: "Identifies the interactive element; unique within the message." });

// Only http(s): these URLs end up as links and images in clients, where `javascript:` must never be.
const Url = z
  .url({ protocol: /^https?$/ })
  .max(L.urlLength)
  .openapi({ description: "An http or https URL." });

const int32 = (min: number, max: number) => z.int().min(min).max(max).openapi({ format: "int32" });

const plainText = (max: number) =>
  z.strictObject({
    type: z.literal("plain_text"),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });

const mrkdwnText = (max: number) =>
  z.strictObject({
    type: z.literal("mrkdwn"),
    text: z.string().min(1).max(max),
    verbatim: z.boolean().optional(),
  });

// Text objects with a tighter limit than the named components are inline rather than
// `allOf: [$ref, {text: {maxLength}}]`: zod-to-openapi gives that second part `additionalProperties:
// false`, which would make every such object invalid against the spec.
const textObject = (max: number) => z.discriminatedUnion("type", [plainText(max), mrkdwnText(max)]);

// ---------------------------------------------------------------------------------------------------
// Composition objects
// ---------------------------------------------------------------------------------------------------

export const PlainTextObject = plainText(L.textLength).openapi("PlainTextObject", {
  description: "Text shown as is (`emoji` turns `:emoji:` codes into emoji).",
  example: { type: "plain_text", text: "Deploy finished", emoji: true },
});

export const MrkdwnTextObject = mrkdwnText(L.textLength).openapi("MrkdwnTextObject", {
  description: "Text formatted with Slack's mrkdwn (`verbatim` leaves URLs and mentions unparsed).",
  example: { type: "mrkdwn", text: "*Deploy* finished in `2m 13s`" },
});

export const TextObject = z.discriminatedUnion("type", [PlainTextObject, MrkdwnTextObject]).openapi("TextObject", {
  description: "A plain_text or mrkdwn text object.",
});

export const ConfirmObject = z
  .strictObject({
    title: plainText(L.confirmTitleLength),
    text: textObject(L.confirmTextLength),
    confirm: plainText(L.confirmButtonTextLength),
    deny: plainText(L.confirmButtonTextLength),
    style: z.enum(["primary", "danger"]).optional(),
  })
  .openapi("ConfirmObject", {
    description: "A dialog asking the user to confirm before an interactive element acts.",
    example: {
      title: { type: "plain_text", text: "Are you sure?" },
      text: { type: "mrkdwn", text: "This restarts *production*." },
      confirm: { type: "plain_text", text: "Restart" },
      deny: { type: "plain_text", text: "Cancel" },
      style: "danger",
    },
  });

const optionFields = {
  text: plainText(L.optionTextLength),
  value: z.string().min(1).max(L.optionValueLength),
  description: plainText(L.optionDescriptionLength).optional(),
};

export const OptionObject = z.strictObject(optionFields).openapi("OptionObject", {
  description: "An option of a select menu.",
  example: { text: { type: "plain_text", text: "High" }, value: "high" },
});

export const OverflowOptionObject = z
  .strictObject({ ...optionFields, url: Url.optional() })
  .openapi("OverflowOptionObject", {
    description: "An option of an overflow menu; with `url`, choosing it opens the URL.",
    example: { text: { type: "plain_text", text: "View logs" }, value: "logs", url: "https://example.com/logs" },
  });

export const ChoiceOptionObject = z
  .strictObject({
    text: textObject(L.optionTextLength),
    value: z.string().min(1).max(L.optionValueLength),
    description: textObject(L.optionDescriptionLength).optional(),
  })
  .openapi("ChoiceOptionObject", {
    description: "An option of checkboxes or radio buttons; its text and description may be mrkdwn.",
    example: { text: { type: "mrkdwn", text: "*Email* me" }, value: "email" },
  });

export const OptionGroupObject = z
  .strictObject({
    label: plainText(L.optionGroupLabelLength),
    options: z.array(OptionObject).min(1).max(L.selectOptions),
  })
  .openapi("OptionGroupObject", { description: "A labelled group of options in a select menu." });

export const DispatchActionConfig = z
  .strictObject({
    trigger_actions_on: z
      .array(z.enum(["on_enter_pressed", "on_character_entered"]))
      .min(1)
      .max(2),
  })
  .openapi("DispatchActionConfig", { description: "When a text input dispatches a block action." });

// ---------------------------------------------------------------------------------------------------
// Block elements
// ---------------------------------------------------------------------------------------------------

const Placeholder = plainText(L.placeholderLength);

export const ButtonElement = z
  .strictObject({
    type: z.literal("button"),
    text: plainText(L.buttonTextLength),
    action_id: ActionId.optional(),
    url: Url.optional(),
    value: z.string().min(1).max(L.buttonValueLength).optional(),
    style: z.enum(["primary", "danger"]).optional(),
    confirm: ConfirmObject.optional(),
    accessibility_label: z.string().min(1).max(L.accessibilityLabelLength).optional(),
  })
  .openapi("ButtonElement", {
    description: "A button; with `url` it opens the URL, otherwise it sends `value` with `action_id`.",
    example: {
      type: "button",
      text: { type: "plain_text", text: "Approve" },
      action_id: "approve",
      value: "request-42",
      style: "primary",
    },
  });

export const ImageElement = z
  .strictObject({
    type: z.literal("image"),
    image_url: Url,
    alt_text: z.string().min(1).max(L.imageAltTextLength),
  })
  .openapi("ImageElement", {
    description: "A small image inside a section or context block.",
    example: { type: "image", image_url: "https://example.com/avatar.png", alt_text: "Ada's avatar" },
  });

export const StaticSelectElement = z
  .strictObject({
    type: z.literal("static_select"),
    action_id: ActionId.optional(),
    placeholder: Placeholder.optional(),
    options: z.array(OptionObject).min(1).max(L.selectOptions).optional(),
    option_groups: z.array(OptionGroupObject).min(1).max(L.selectOptionGroups).optional(),
    initial_option: OptionObject.optional(),
    confirm: ConfirmObject.optional(),
    focus_on_load: z.boolean().optional(),
  })
  .superRefine((select, ctx) => {
    // Slack wants exactly one of the two.
    if (select.options && select.option_groups) {
      ctx.addIssue({ code: "custom", message: "Send options or option_groups, not both", path: ["option_groups"] });
    } else if (!select.options && !select.option_groups) {
      ctx.addIssue({ code: "custom", message: "Send options or option_groups", path: ["options"] });
    }
  })
  .openapi("StaticSelectElement", {
    description: "A menu of `options` (or of `option_groups`, not both) to pick one from.",
    example: {
      type: "static_select",
      action_id: "priority",
      placeholder: { type: "plain_text", text: "Priority" },
      options: [
        { text: { type: "plain_text", text: "High" }, value: "high" },
        { text: { type: "plain_text", text: "Low" }, value: "low" },
      ],
    },
  });

export const OverflowElement = z
  .strictObject({
    type: z.literal("overflow"),
    action_id: ActionId.optional(),
    options: z.array(OverflowOptionObject).min(L.overflowOptionsMin).max(L.overflowOptionsMax),
    confirm: ConfirmObject.optional(),
  })
  .openapi("OverflowElement", {
    description: "A `…` menu of a few options.",
    example: {
      type: "overflow",
      action_id: "more",
      options: [
        { text: { type: "plain_text", text: "Edit" }, value: "edit" },
        { text: { type: "plain_text", text: "View logs" }, value: "logs", url: "https://example.com/logs" },
      ],
    },
  });

export const DatepickerElement = z
  .strictObject({
    type: z.literal("datepicker"),
    action_id: ActionId.optional(),
    initial_date: z.iso.date().max(10).optional().openapi({ example: "2026-11-25" }),
    placeholder: Placeholder.optional(),
    confirm: ConfirmObject.optional(),
    focus_on_load: z.boolean().optional(),
  })
  .openapi("DatepickerElement", {
    description: "A calendar to pick a date (`YYYY-MM-DD`).",
    example: { type: "datepicker", action_id: "due", initial_date: "2026-11-25" },
  });

export const CheckboxesElement = z
  .strictObject({
    type: z.literal("checkboxes"),
    action_id: ActionId.optional(),
    options: z.array(ChoiceOptionObject).min(1).max(L.checkboxesOptions),
    initial_options: z.array(ChoiceOptionObject).min(1).max(L.checkboxesOptions).optional(),
    confirm: ConfirmObject.optional(),
    focus_on_load: z.boolean().optional(),
  })
  .openapi("CheckboxesElement", {
    description: "Checkboxes: pick any number of options.",
    example: {
      type: "checkboxes",
      action_id: "notify",
      options: [
        { text: { type: "mrkdwn", text: "*Replies* to my messages" }, value: "replies" },
        { text: { type: "mrkdwn", text: "*Mentions* of me" }, value: "mentions" },
      ],
    },
  });

export const RadioButtonsElement = z
  .strictObject({
    type: z.literal("radio_buttons"),
    action_id: ActionId.optional(),
    options: z.array(ChoiceOptionObject).min(1).max(L.radioButtonsOptions),
    initial_option: ChoiceOptionObject.optional(),
    confirm: ConfirmObject.optional(),
    focus_on_load: z.boolean().optional(),
  })
  .openapi("RadioButtonsElement", {
    description: "Radio buttons: pick one option.",
    example: {
      type: "radio_buttons",
      action_id: "size",
      options: [
        { text: { type: "plain_text", text: "Small" }, value: "s" },
        { text: { type: "plain_text", text: "Large" }, value: "l" },
      ],
    },
  });

export const PlainTextInputElement = z
  .strictObject({
    type: z.literal("plain_text_input"),
    action_id: ActionId.optional(),
    initial_value: z.string().max(L.plainTextInputLength).optional(),
    multiline: z.boolean().optional(),
    min_length: int32(0, L.plainTextInputLength).optional(),
    max_length: int32(1, L.plainTextInputLength).optional(),
    dispatch_action_config: DispatchActionConfig.optional(),
    focus_on_load: z.boolean().optional(),
    placeholder: Placeholder.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.min_length !== undefined && input.max_length !== undefined && input.min_length > input.max_length) {
      ctx.addIssue({ code: "custom", message: "min_length must not exceed max_length", path: ["min_length"] });
    }
  })
  .openapi("PlainTextInputElement", {
    description: "A free-text field, on one line or several.",
    example: { type: "plain_text_input", action_id: "reason", multiline: true, max_length: 500 },
  });

export const SectionAccessory = z
  .discriminatedUnion("type", [
    ButtonElement,
    ImageElement,
    StaticSelectElement,
    OverflowElement,
    DatepickerElement,
    CheckboxesElement,
    RadioButtonsElement,
  ])
  .openapi("SectionAccessory", { description: "The element shown beside a section's text." });

export const ActionsElement = z
  .discriminatedUnion("type", [
    ButtonElement,
    StaticSelectElement,
    OverflowElement,
    DatepickerElement,
    CheckboxesElement,
    RadioButtonsElement,
  ])
  .openapi("ActionsElement", { description: "An interactive element of an actions block." });

export const InputElement = z
  .discriminatedUnion("type", [
    PlainTextInputElement,
    StaticSelectElement,
    CheckboxesElement,
    RadioButtonsElement,
    DatepickerElement,
  ])
  .openapi("InputElement", { description: "The element that collects the value of an input block." });

export const ContextElement = z
  .discriminatedUnion("type", [ImageElement, PlainTextObject, MrkdwnTextObject])
  .openapi("ContextElement", { description: "An image or a text object inside a context block." });

// ---------------------------------------------------------------------------------------------------
// Rich text
// ---------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------------

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
            { type: "user", user_id: "U0123ABC" },
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

export type PlainTextObject = z.infer<typeof PlainTextObject>;
export type MrkdwnTextObject = z.infer<typeof MrkdwnTextObject>;
export type TextObject = z.infer<typeof TextObject>;
export type ConfirmObject = z.infer<typeof ConfirmObject>;
export type OptionObject = z.infer<typeof OptionObject>;
export type OverflowOptionObject = z.infer<typeof OverflowOptionObject>;
export type ChoiceOptionObject = z.infer<typeof ChoiceOptionObject>;
export type OptionGroupObject = z.infer<typeof OptionGroupObject>;
export type DispatchActionConfig = z.infer<typeof DispatchActionConfig>;
export type ButtonElement = z.infer<typeof ButtonElement>;
export type ImageElement = z.infer<typeof ImageElement>;
export type StaticSelectElement = z.infer<typeof StaticSelectElement>;
export type OverflowElement = z.infer<typeof OverflowElement>;
export type DatepickerElement = z.infer<typeof DatepickerElement>;
export type CheckboxesElement = z.infer<typeof CheckboxesElement>;
export type RadioButtonsElement = z.infer<typeof RadioButtonsElement>;
export type PlainTextInputElement = z.infer<typeof PlainTextInputElement>;
export type SectionAccessory = z.infer<typeof SectionAccessory>;
export type ActionsElement = z.infer<typeof ActionsElement>;
export type InputElement = z.infer<typeof InputElement>;
export type ContextElement = z.infer<typeof ContextElement>;
export type RichTextStyle = z.infer<typeof RichTextStyle>;
export type RichTextInlineElement = z.infer<typeof RichTextInlineElement>;
export type RichTextElement = z.infer<typeof RichTextElement>;
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
export type Blocks = z.infer<typeof Blocks>;

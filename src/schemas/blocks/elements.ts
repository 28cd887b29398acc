import { z } from "@hono/zod-openapi";
import {
  ChoiceOptionObject,
  ConfirmObject,
  DispatchActionConfig,
  MrkdwnTextObject,
  OptionGroupObject,
  OptionObject,
  OverflowOptionObject,
  PlainTextObject,
} from "./composition";
import { BLOCK_KIT_LIMITS as L } from "./limits";
import { int32, plainText, Url } from "./primitives";

// Block elements: the interactive elements and images, and the unions of those each block accepts.

const ActionId = z
  .string()
  .min(1)
  .max(L.actionIdLength)
  .openapi({ description: "Identifies the interactive element; unique within the message." });

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

export type SectionAccessory = z.infer<typeof SectionAccessory>;
export type InputElement = z.infer<typeof InputElement>;

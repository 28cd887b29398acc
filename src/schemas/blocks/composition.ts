import { z } from "@hono/zod-openapi";
import { BLOCK_KIT_LIMITS as L } from "./limits";
import { mrkdwnText, plainText, textObject, Url } from "./primitives";

// Composition objects: the text, confirm dialogs and options that elements and blocks are made of.

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

export type TextObject = z.infer<typeof TextObject>;
export type ConfirmObject = z.infer<typeof ConfirmObject>;
export type OptionObject = z.infer<typeof OptionObject>;
export type ChoiceOptionObject = z.infer<typeof ChoiceOptionObject>;
export type DispatchActionConfig = z.infer<typeof DispatchActionConfig>;

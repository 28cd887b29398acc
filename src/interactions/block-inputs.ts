import type { Block, ChoiceOptionObject, InputElement, OptionObject } from "../schemas/blocks";

/**
 * What a person did with one element of a message's blocks, checked against the element actually
 * there: Slack's `block_actions` (a button, a menu, a date) and the values of `view_submission`.
 */
export interface Selection {
  value?: string;
  selected_options?: string[];
  selected_date?: string;
}

/** The selection as recorded: the element's type, and only the members that type uses. */
export interface Recorded extends Selection {
  type: InteractiveElement["type"];
}

type ActionsBlock = Extract<Block, { type: "actions" }>;
type InteractiveElement = ActionsBlock["elements"][number] | InputElement;

export interface Located {
  blockIndex: number;
  block: Block;
  element: InteractiveElement;
}

/** A refusal, worded for the person or agent who acted. */
export class Refused extends Error {}

const optionsOf = (element: InteractiveElement): (OptionObject | ChoiceOptionObject)[] => {
  switch (element.type) {
    case "static_select":
      return element.options ?? element.option_groups?.flatMap((group) => group.options) ?? [];
    case "overflow":
    case "checkboxes":
    case "radio_buttons":
      return element.options;
    default:
      return [];
  }
};

/** The text of an option, for the line that replaces a one-time block. */
export const optionLabel = (element: InteractiveElement, value: string) =>
  optionsOf(element).find((option) => option.value === value)?.text.text ?? value;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (text: string) =>
  ISO_DATE.test(text) &&
  !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
  new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

const only = (selection: Selection, allowed: (keyof Selection)[]) => {
  const extra = (Object.keys(selection) as (keyof Selection)[]).filter(
    (key) => selection[key] !== undefined && !allowed.includes(key),
  );
  if (extra.length > 0) throw new Refused(`This element takes no ${extra.join(" or ")}.`);
};

/**
 * The selection checked against the element: a button's own value, options it offers, a real
 * date, text within the input's lengths. `required` refuses an empty one (see requiredForAction;
 * in a form, every input not marked `optional`). Throws Refused.
 */
export const checkSelection = (element: InteractiveElement, selection: Selection, required: boolean): Recorded => {
  switch (element.type) {
    case "button": {
      only(selection, ["value"]);
      if (selection.value !== undefined && selection.value !== element.value)
        throw new Refused("That is not this button's value.");
      return { type: "button", ...(element.value === undefined ? {} : { value: element.value }) };
    }
    case "static_select":
    case "overflow":
    case "radio_buttons":
    case "checkboxes": {
      only(selection, ["selected_options"]);
      const chosen = selection.selected_options ?? [];
      const offered = new Set(optionsOf(element).map((option) => option.value));
      const unknown = chosen.filter((value) => !offered.has(value));
      if (unknown.length > 0) throw new Refused(`Not an option offered here: ${unknown.join(", ")}.`);
      if (new Set(chosen).size !== chosen.length) throw new Refused("An option is chosen twice.");
      if (element.type !== "checkboxes" && chosen.length > 1) throw new Refused("Choose one option.");
      if (chosen.length === 0 && required) throw new Refused("Choose an option.");
      return { type: element.type, selected_options: chosen };
    }
    case "datepicker": {
      only(selection, ["selected_date"]);
      if (selection.selected_date === undefined) {
        if (required) throw new Refused("Pick a date.");
        return { type: "datepicker" };
      }
      if (!isDate(selection.selected_date)) throw new Refused("A date is YYYY-MM-DD.");
      return { type: "datepicker", selected_date: selection.selected_date };
    }
    case "plain_text_input": {
      only(selection, ["value"]);
      const value = selection.value ?? "";
      if (value.trim() === "") {
        if (required) throw new Refused("This field is required.");
        return { type: "plain_text_input" };
      }
      if (element.min_length !== undefined && value.length < element.min_length) {
        throw new Refused(`At least ${element.min_length} characters.`);
      }
      if (value.length > (element.max_length ?? 3000))
        throw new Refused(`At most ${element.max_length ?? 3000} characters.`);
      return { type: "plain_text_input", value };
    }
  }
};

/**
 * The interactive element a block action names: in an actions block, a section's accessory, or
 * the element of an input block that dispatches actions. Throws Refused for anything else.
 */
export const locateAction = (blocks: Block[], blockId: string, actionId: string): Located => {
  const blockIndex = blocks.findIndex((block) => "block_id" in block && block.block_id === blockId);
  const block = blocks[blockIndex];
  if (!block) throw new Refused(`This message has no block "${blockId}".`);
  const candidates: InteractiveElement[] =
    block.type === "actions"
      ? block.elements
      : block.type === "section" && block.accessory && block.accessory.type !== "image"
        ? [block.accessory]
        : block.type === "input" && block.dispatch_action
          ? [block.element]
          : [];
  const element = candidates.find((candidate) => candidate.action_id === actionId);
  if (!element) {
    const hint = block.type === "input" ? " (input blocks are sent together, as a form submission)" : "";
    throw new Refused(`Block "${blockId}" has no action "${actionId}"${hint}.`);
  }
  return { blockIndex, block, element };
};

/** The input blocks of a message, by block_id: what a form submission may fill in. */
export const inputBlocks = (blocks: Block[]) =>
  blocks.flatMap((block, index) => (block.type === "input" ? [{ index, block }] : []));

/**
 * The blocks after a one-time actions block was used: it becomes a context line naming the choice
 * (`block_id` kept), so the same row cannot be acted on twice.
 */
export const afterOneTimeAction = (blocks: Block[], located: Located, recorded: Recorded): Block[] => {
  const { element } = located;
  const choice =
    element.type === "button"
      ? element.text.text
      : (recorded.selected_date ??
        (recorded.selected_options ?? []).map((value) => optionLabel(element, value)).join(", "));
  const blockId = "block_id" in located.block ? located.block.block_id : undefined;
  const line: Block = {
    type: "context",
    ...(blockId === undefined ? {} : { block_id: blockId }),
    elements: [{ type: "plain_text", text: `✓ ${choice}`.slice(0, 3000) }],
  };
  return blocks.map((block, index) => (index === located.blockIndex ? line : block));
};

/** An action says what was chosen, except on checkboxes, where unticking the last one is an action too. */
export const requiredForAction = (element: Located["element"]) => element.type !== "checkboxes";

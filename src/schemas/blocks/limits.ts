/** Slack's published Block Kit limits (https://docs.slack.dev/reference/block-kit), and ours where Slack has none. */
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

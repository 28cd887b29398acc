/**
 * Slack-compatible Block Kit (https://docs.slack.dev/reference/block-kit) for the optional `blocks` of a
 * message: the blocks, elements and composition objects Slack documents, with Slack's published limits.
 * The names the rest of the app uses; tests import the other schemas from their own modules.
 */
export { Block } from "./blocks";
export { ChoiceOptionObject, OptionObject } from "./composition";
export { InputElement } from "./elements";
export { Blocks } from "./message-rules";

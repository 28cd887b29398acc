import type { components } from "./schema.js";

type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Pagination = Schemas["Pagination"];
export type Thread = Schemas["Thread"];
export type Message = Schemas["Message"];
export type MessageSnapshot = Schemas["MessageSnapshot"];
export type ReactionSummary = Schemas["ReactionSummary"];
export type ThreadMemory = Schemas["ThreadMemory"];
export type SearchHit = Schemas["SearchHit"];
/** One change in a thread's event log; narrow on `type` to get the matching `data`. */
export type ThreadEvent = Schemas["ThreadEvent"];
export type UserEvent = Schemas["UserEvent"];
export type StreamReset = Schemas["StreamReset"];
export type ActivityChange = Schemas["ActivityChange"];
export type MessageDelta = Schemas["MessageDelta"];
/** Slack-compatible Block Kit blocks: the union, and one type per block. */
export type Block = Schemas["Block"];
export type SectionBlock = Schemas["SectionBlock"];
export type HeaderBlock = Schemas["HeaderBlock"];
export type DividerBlock = Schemas["DividerBlock"];
export type ImageBlock = Schemas["ImageBlock"];
export type ContextBlock = Schemas["ContextBlock"];
export type ActionsBlock = Schemas["ActionsBlock"];
export type InputBlock = Schemas["InputBlock"];
export type RichTextBlock = Schemas["RichTextBlock"];
export type MarkdownBlock = Schemas["MarkdownBlock"];

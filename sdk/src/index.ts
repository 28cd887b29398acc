// The package's public face: every exported name, from the module that holds it.
export { type Client, type ClientOptions, createClient, type SessionTokens } from "./client.js";
export type {
  ActionsBlock,
  ActivityChange,
  Block,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  ImageBlock,
  InputBlock,
  MarkdownBlock,
  Message,
  MessageDelta,
  MessageSnapshot,
  Pagination,
  Problem,
  ReactionSummary,
  RichTextBlock,
  SearchHit,
  SectionBlock,
  StreamReset,
  Thread,
  ThreadEvent,
  ThreadMemory,
  UserEvent,
} from "./models.js";
export { ApiProblemError, paginate, unwrap } from "./results.js";
export type { RetryOptions } from "./retry.js";
export type { components, paths } from "./schema.js";
export { type StreamReplyOptions, streamReply } from "./stream-reply.js";
export { applyDelta, subscribe, subscribeUser } from "./subscribe.js";
export type {
  EventSourceConstructor,
  EventSourceMessageEvent,
  SubscribeHandlers,
  SubscribeOptions,
  Subscription,
  ThreadEventHandlers,
  UserSubscribeHandlers,
} from "./subscribe-types.js";
export {
  verifyWebhook,
  type WebhookHeaders,
  type WebhookPayload,
  WebhookVerificationError,
} from "./webhooks.js";

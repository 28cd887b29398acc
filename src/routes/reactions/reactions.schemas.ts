import { z } from "@hono/zod-openapi";
import { MAX_ACTORS_PER_EMOJI, MAX_EMOJI_PER_MESSAGE } from "../../repositories/reactions.repository";
import { ActorSchema } from "../../schemas/actor";
import { Counter, envelope, Id } from "../../schemas/common";

/**
 * Slack-style short names: `thumbsup`, `+1`, `white_check_mark`, optionally with a skin tone
 * (`thumbsup::skin-tone-2`), with or without the surrounding colons (`:thumbsup:`). Stored and shown
 * without them.
 */
const EMOJI_PATTERN = /^:?[a-z0-9_+'-]{1,100}(::skin-tone-[2-6])?:?$/;

/** `:thumbsup::skin-tone-2:` → `thumbsup::skin-tone-2`. */
export const normalizeEmoji = (name: string) => name.replace(/^:/, "").replace(/:$/, "");

const EmojiName = z
  .string()
  .max(120)
  .regex(EMOJI_PATTERN, "Use an emoji short name such as thumbsup, :tada: or thumbsup::skin-tone-2");

export const ReactionParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "The thread's id." }),
  message_id: Id.openapi({ param: { name: "message_id", in: "path" } }),
  emoji: EmojiName.openapi({
    param: { name: "emoji", in: "path" },
    description:
      "A Slack-style short name, with or without colons, optionally with a skin tone 2–6: `thumbsup`, `:tada:`, `+1`, `thumbsup::skin-tone-3`.",
    example: "thumbsup",
  }),
});

const Emoji = z.string().max(120).openapi({ description: "The short name, without colons.", example: "thumbsup" });

export const ReactionSummarySchema = z
  .object({
    emoji: Emoji,
    count: Counter.openapi({ description: "How many users and agents reacted with it." }),
    me: z.boolean().openapi({ description: "Whether you (the caller) reacted with it." }),
  })
  .openapi("ReactionSummary");

export const ReactionGroupSchema = z
  .object({
    emoji: Emoji,
    count: Counter,
    me: z.boolean(),
    actors: z
      .array(ActorSchema)
      .max(MAX_ACTORS_PER_EMOJI)
      .openapi({ description: `Who reacted, first come first, up to ${MAX_ACTORS_PER_EMOJI} (\`count\` is exact).` }),
  })
  .openapi("ReactionGroup");

/** Payload of `reaction.added` / `reaction.removed`. */
export const ReactionChangeSchema = z
  .object({
    message_id: Id,
    emoji: Emoji,
    actor: ActorSchema,
    count: Counter.openapi({ description: "The emoji's count on the message after the change." }),
  })
  .openapi("ReactionChange");

export const ReactionResponse = envelope(ReactionSummarySchema, "ReactionResponse", {
  emoji: "thumbsup",
  count: 3,
  me: true,
});

export const ReactionListResponse = envelope(
  z.array(ReactionGroupSchema).max(MAX_EMOJI_PER_MESSAGE),
  "ReactionListResponse",
  [{ emoji: "thumbsup", count: 1, me: true, actors: [{ type: "user", id: "cmif7vj3k0000abcd12345678" }] }],
);

import { z } from "@hono/zod-openapi";
import { envelope, Id } from "../../schemas/common";
import { MAX_EMOJI_PER_MESSAGE, ReactionGroupSchema, ReactionSummarySchema } from "../../wire/reactions";

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

import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../schemas/actor";
import { Counter, Id } from "../schemas/common";

/** Distinct emoji one message can carry (Slack caps them too); the wire's arrays are bounded by it. */
export const MAX_EMOJI_PER_MESSAGE = 50;
/** Reactors listed per emoji by the reactions list (the count is always exact). */
export const MAX_ACTORS_PER_EMOJI = 100;

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

export type ReactionSummary = z.infer<typeof ReactionSummarySchema>;

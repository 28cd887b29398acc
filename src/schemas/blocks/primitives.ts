import { z } from "@hono/zod-openapi";
import { BLOCK_KIT_LIMITS as L } from "./limits";

// Schemas without a component of their own, shared by the composition objects, elements and blocks.

// Only http(s): these URLs end up as links and images in clients, where `javascript:` must never be.
export const Url = z
  .url({ protocol: /^https?$/ })
  .max(L.urlLength)
  .openapi({ description: "An http or https URL." });

export const int32 = (min: number, max: number) => z.int().min(min).max(max).openapi({ format: "int32" });

export const plainText = (max: number) =>
  z.strictObject({
    type: z.literal("plain_text"),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });

export const mrkdwnText = (max: number) =>
  z.strictObject({
    type: z.literal("mrkdwn"),
    text: z.string().min(1).max(max),
    verbatim: z.boolean().optional(),
  });

// Text objects with a tighter limit than the named components are inline rather than
// `allOf: [$ref, {text: {maxLength}}]`: zod-to-openapi gives that second part `additionalProperties:
// false`, which would make every such object invalid against the spec.
export const textObject = (max: number) => z.discriminatedUnion("type", [plainText(max), mrkdwnText(max)]);

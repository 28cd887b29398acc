import { z } from "@hono/zod-openapi";
import { IdempotencyKey } from "../schemas/common";
import { rateLimitPolicyHeader } from "./error-responses";

/** Response headers documented by more than one operation. */
export const etagHeader = (what: string) => ({
  description: `Version of the ${what}; send it back as If-None-Match or If-Match.`,
  // A version in base 36, and for a thread the reader's read mark after a dash (src/http/etag.ts).
  schema: { type: "string" as const, maxLength: 28, pattern: '^"[0-9a-z]+(-[0-9a-z]+)?"$' },
});

export const locationHeader = (what: string) => ({
  description: `URL of the new ${what}.`,
  schema: { type: "string" as const, format: "uri-reference", maxLength: 2048 },
});

export const idempotentReplayedHeader = {
  description: "`true` when this is the stored response of an earlier request with the same Idempotency-Key.",
  schema: { type: "string" as const, enum: ["true"] },
};

/** The headers of a successful write that is rate limited and accepts Idempotency-Key. */
export const writeHeaders = {
  "RateLimit-Policy": rateLimitPolicyHeader,
  "Idempotent-Replayed": idempotentReplayedHeader,
};

const Precondition = z.string().max(512);

/** Request headers of a conditional read. */
export const IfNoneMatchHeaders = z.object({
  "if-none-match": Precondition.optional().openapi({ param: { in: "header" }, example: '"mif7vj3k"' }),
});

/** Request headers of an update: a precondition, and the Idempotency-Key of a write. */
export const UpdateHeaders = z.object({
  "if-match": Precondition.optional().openapi({
    param: { in: "header" },
    description: "The ETag you read: the update is refused (412) if the resource changed since. `*`: any version.",
    example: '"mif7vj3k"',
  }),
  "idempotency-key": IdempotencyKey.optional().openapi({
    param: { in: "header" },
    description:
      "Makes a retried write safe for 24 hours: the same key with the same body replays the first successful response (with `Idempotent-Replayed: true`); with another body it is rejected (422); while the first request runs, 409.",
    example: "3f1c2a9e-8b7d-4c1e-9f00-5b6a7c8d9e0f",
  }),
});

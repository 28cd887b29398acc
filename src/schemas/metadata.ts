import { z } from "@hono/zod-openapi";

/** OpenAI's bounds for `metadata`: a few short string pairs, for the caller's own ids and tags. */
export const METADATA_LIMITS = { maxKeys: 16, maxKeyLength: 64, maxValueLength: 512 } as const;

/**
 * Free-form key/value pairs on threads and messages. A violation names the key:
 * `body.metadata.<key>` (too long a value or key) or `body.metadata` (too many keys).
 */
export const MetadataMap = z
  .record(z.string().min(1).max(METADATA_LIMITS.maxKeyLength), z.string().max(METADATA_LIMITS.maxValueLength))
  .refine((map) => Object.keys(map).length <= METADATA_LIMITS.maxKeys, {
    message: `At most ${METADATA_LIMITS.maxKeys} keys`,
  })
  .openapi("Metadata", {
    description: `Up to ${METADATA_LIMITS.maxKeys} string pairs: keys 1–${METADATA_LIMITS.maxKeyLength} characters, values up to ${METADATA_LIMITS.maxValueLength}. Yours to use (e.g. ids in your systems); we never interpret them.`,
    maxProperties: METADATA_LIMITS.maxKeys,
    example: { crm_account: "acme-42", channel: "web" },
  });

import { z } from "@hono/zod-openapi";
import { isValidCursor } from "../http/cursor";

/** Largest page any list operation returns. */
export const MAX_PAGE_SIZE = 100;

export const Timestamp = z.iso.datetime().max(40).openapi({ example: "2026-11-25T10:00:00.000Z" });

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+$/, "Must be an id as returned by the API")
  .openapi({ example: "cmif7vj3k0000abcd12345678" });

/** A count or position: a non-negative 32-bit integer. */
export const Counter = z.int().min(0).max(2_147_483_647).openapi({ format: "int32" });

export const IdParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" } }),
});

export const Metadata = z
  .object({
    timestamp: Timestamp,
    correlation_id: z.string().max(255).openapi({ description: "The request id (X-Request-Id) of this request." }),
    version: z.string().max(32).openapi({ example: "1.0.0" }),
  })
  .openapi("ResponseMetadata");

export const Pagination = z
  .object({
    limit: z.int().min(1).max(MAX_PAGE_SIZE).openapi({ format: "int32" }),
    has_more: z.boolean(),
    next_cursor: z
      .string()
      .max(512)
      .nullable()
      .openapi({ description: "Pass as `cursor` to get the next page; null on the last page." }),
  })
  .openapi("Pagination");

const metadataExample = {
  timestamp: "2026-11-25T10:00:00.000Z",
  correlation_id: "8d3c5b0e-7a1f-4c2b-9e6d-0f1a2b3c4d5e",
  version: "1.0.0",
};

/** `{ success, data, metadata }` around one resource; `example` is the data of the documented example. */
export const envelope = <T extends z.ZodType>(data: T, name: string, example: z.input<T>) =>
  z
    .object({ success: z.literal(true), data, metadata: Metadata })
    .openapi(name, { example: { success: true, data: example, metadata: metadataExample } });

/** `{ success, data: [...], pagination, metadata }` around one page of a list. */
export const pageEnvelope = <T extends z.ZodType>(item: T, name: string, example: z.input<T>) =>
  z
    .object({
      success: z.literal(true),
      data: z.array(item).max(MAX_PAGE_SIZE),
      pagination: Pagination,
      metadata: Metadata,
    })
    .openapi(name, {
      example: {
        success: true,
        data: [example],
        pagination: {
          limit: 20,
          has_more: true,
          next_cursor: "WyIyMDI2LTExLTI1VDEwOjAwOjAwLjAwMFoiLCJjbWlmN3ZqM2siXQ",
        },
        metadata: metadataExample,
      },
    });

/** `limit` and `cursor` of every list operation. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(20)
    .openapi({
      param: { name: "limit", in: "query" },
      description: `Page size, 1–${MAX_PAGE_SIZE}.`,
      example: 20,
      format: "int32",
    }),
  cursor: z
    .string()
    .max(512)
    .refine(isValidCursor, "Not a cursor returned by this API")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page." }),
});

/** A media type, `type/subtype` with optional parameters. */
// Case classes spelled out rather than a flag: the spec's `pattern` cannot carry one.
export const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;[^\r\n]*)?$/;

/** Printable ASCII, 1–255 characters (a UUID is a good key). */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "Use printable ASCII without spaces");

export const IdempotencyHeaders = z.object({
  "idempotency-key": IdempotencyKey.optional().openapi({
    param: { in: "header" },
    description:
      "Makes a retried write safe for 24 hours: the same key with the same body replays the first successful response " +
      "(with `Idempotent-Replayed: true`); with another body it is rejected (422); while the first request runs, 409.",
    example: "3f1c2a9e-8b7d-4c1e-9f00-5b6a7c8d9e0f",
  }),
});

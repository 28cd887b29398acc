import { z } from "@hono/zod-openapi";
import { MAX_FIELD_ERRORS } from "../http/api-error";
import { problemTypes, problemTypeUri } from "../http/problem-types";
import { Timestamp } from "./common";

const typeList = Object.entries(problemTypes)
  .map(
    ([slug, { status, description }]) =>
      `- \`${problemTypeUri(slug as keyof typeof problemTypes)}\` (${status}): ${description}`,
  )
  .join("\n");

export const FieldErrorSchema = z
  .object({
    path: z
      .string()
      .max(500)
      .openapi({ example: "body.email", description: "Where: `body.*`, `query.*`, `param.*` or `header.*`." }),
    message: z.string().max(1000).openapi({ example: "Invalid email address" }),
    code: z.string().max(100).openapi({ example: "invalid_format" }),
  })
  .openapi("FieldError");

/** RFC 9457 problem details, plus `errors`, `timestamp` and `trace_id`. */
export const Problem = z
  .object({
    type: z
      .url()
      .max(2048)
      .openapi({ description: `A stable URI naming the problem type. Types:\n${typeList}` }),
    title: z.string().max(200),
    status: z.int().min(400).max(599).openapi({ format: "int32" }),
    detail: z.string().max(2000),
    instance: z.string().max(2048).openapi({ description: "The request path." }),
    errors: z
      .array(FieldErrorSchema)
      .max(MAX_FIELD_ERRORS)
      .optional()
      .openapi({ description: `Every failing field, up to ${MAX_FIELD_ERRORS} (validation problems only).` }),
    error: z.string().max(64).optional().openapi({
      description: "OAuth endpoints only: the OAuth error code (RFC 6749 §5.2, RFC 7591 §3.2.2), e.g. `invalid_grant`.",
    }),
    error_description: z.string().max(2000).optional().openapi({ description: "OAuth endpoints only: `detail`." }),
    timestamp: Timestamp,
    trace_id: z.string().max(255).openapi({ description: "The request id; quote it when reporting a problem." }),
  })
  .openapi("Problem", {
    example: {
      type: problemTypeUri("validation-error"),
      title: problemTypes["validation-error"].title,
      status: 400,
      detail: "1 field is not valid.",
      instance: "/users",
      errors: [{ path: "body.email", message: "Invalid email address", code: "invalid_format" }],
      timestamp: "2026-11-25T10:00:00.000Z",
      trace_id: "8d3c5b0e-7a1f-4c2b-9e6d-0f1a2b3c4d5e",
    },
  });

export const ProblemEnvelope = z.object({ success: z.literal(false), error: Problem }).openapi("ProblemEnvelope", {
  description: "A problem in the envelope (send `Accept: application/problem+json` for the bare object).",
  example: {
    success: false,
    error: {
      type: problemTypeUri("not-found"),
      title: problemTypes["not-found"].title,
      status: 404,
      detail: "No user with id cmif7vj3k0000abcd12345678.",
      instance: "/users/cmif7vj3k0000abcd12345678",
      timestamp: "2026-11-25T10:00:00.000Z",
      trace_id: "8d3c5b0e-7a1f-4c2b-9e6d-0f1a2b3c4d5e",
    },
  },
});

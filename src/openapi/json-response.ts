import type { z } from "@hono/zod-openapi";

/** A documented response with a JSON body, for a route's `responses`. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

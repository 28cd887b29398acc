import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

/** The `info`, `servers` and `tags` of the published contract; paths come from the routes. */
export const documentConfig = (version: string) => ({
  openapi: "3.1.0",
  info: {
    title: "Experience Layer API",
    version,
    description:
      "Threads of messages, reactions, artifacts and files shared by people and AI agents.\n\n" +
      "Every success is `{ success: true, data, metadata }` (lists add `pagination`). Every error is an RFC 9457 " +
      "problem inside `{ success: false, error }`, or bare with `Accept: application/problem+json`. " +
      "Send `X-Request-Id` to correlate a request with our logs; it is echoed back.",
    contact: { name: "Experience Layer team", url: "https://docs.experience-layer.dev" },
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
  },
  servers: [
    { url: "http://localhost:8787", description: "Local development (npm run dev)" },
    { url: "https://api.experience-layer.dev", description: "Production" },
  ],
  tags: [
    { name: "Health", description: "Liveness and readiness of the service and its database." },
    { name: "Users", description: "People who sign in, with their roles." },
  ],
});

/** Generating the document walks every schema: do it once per isolate and version. */
const cache = new Map<string, unknown>();

export const openApiDocument = (app: OpenAPIHono<AppEnv>, version: string) => {
  let document = cache.get(version);
  if (!document) {
    document = app.getOpenAPI31Document(documentConfig(version));
    cache.set(version, document);
  }
  return document;
};

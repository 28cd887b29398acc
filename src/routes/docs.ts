import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import type { AppEnv } from "../env";

/**
 * The API reference. Scalar's page script is served by Workers static assets
 * (`dist/assets/docs/scalar.js`, copied from @scalar/api-reference by scripts/build-assets.mjs),
 * so the docs render without any CDN.
 */
export const docsRouter = new Hono<AppEnv>().get(
  "/docs",
  Scalar({ url: "/openapi.json", cdn: "/docs/scalar.js", pageTitle: "Experience Layer API reference" }),
);

import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createRouter } from "../../http/router";
import { Status } from "../../http/status";
import { openApiDocument } from "../../openapi/document";
import { getApiReference, getOpenApiDocument } from "./meta.routes";

/**
 * The published contract and its reference. Scalar's page script is served by Workers static assets
 * (`dist/assets/docs/scalar.js`, copied from @scalar/api-reference by scripts/build-assets.mjs), so
 * the docs render without any CDN.
 */
const apiReference = Scalar<AppEnv>({
  url: "/openapi.json",
  cdn: "/docs/scalar.js",
  pageTitle: "Experience Layer API reference",
  withDefaultFonts: false, // Scalar's fonts come from its CDN; the docs must render offline
  // Only what works from this server: no hosted-service controls (Ask AI, the MCP installers, the
  // developer toolbar with Configure / Share / Deploy), which lead partners off the reference.
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
});

/**
 * The guides the document opens with: a static asset built from docs/ (scripts/build-assets.mjs), not part of
 * the worker's bundle. Read once per isolate; only a successful read is kept.
 */
let guides: string | undefined;
const guidesOf = async (c: Context<AppEnv>) => {
  if (guides === undefined) {
    const response = await c.env.ASSETS.fetch(new URL("/docs/guides.md", c.req.url));
    if (!response.ok) throw new Error(`the guides asset answered ${response.status}: run npm run assets`);
    guides = await response.text();
  }
  return guides;
};

/** `app` is the whole application, whose routes the document describes. */
export const metaRouter = (app: OpenAPIHono<AppEnv>) =>
  createRouter()
    .openapi(getOpenApiDocument, async (c) =>
      c.json(openApiDocument(app, c.env.API_VERSION, await guidesOf(c)), Status.OK),
    )
    .openapi(getApiReference, (c, next) => apiReference(c, next) as Promise<Response>);

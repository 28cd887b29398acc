import { createRoute, z } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { commonErrors, rateLimited } from "../../openapi/error-responses";

const tags = ["Meta"];

export const getOpenApiDocument = createRoute({
  operationId: "getOpenApiDocument",
  method: "get",
  path: "/openapi.json",
  tags,
  ...publicAccess(rateLimit(readRateLimit)), // public: partners read the contract before they have credentials
  summary: "Get the OpenAPI document",
  description: "This contract as OpenAPI 3.1 JSON; the same document is committed as openapi/openapi.json.",
  responses: {
    [Status.OK]: {
      description: "The OpenAPI document.",
      content: {
        "application/json": {
          schema: z
            .looseObject({ openapi: z.string().max(16), info: z.looseObject({}), paths: z.looseObject({}) })
            .openapi({
              example: { openapi: "3.1.0", info: { title: "Experience Layer API", version: "1.0.0" }, paths: {} },
            }),
        },
      },
    },
    ...commonErrors,
    ...rateLimited,
  },
});

export const getApiReference = createRoute({
  operationId: "getApiReference",
  method: "get",
  path: "/docs",
  tags,
  ...publicAccess(rateLimit(readRateLimit)), // public: partners read the contract before they have credentials
  summary: "Read the API reference",
  description: "The interactive API reference (Scalar), rendered from /openapi.json. Served entirely by this service.",
  responses: {
    [Status.OK]: {
      description: "An HTML page.",
      content: { "text/html": { schema: z.string().max(1_000_000).openapi({ example: "<!doctype html>…" }) } },
    },
    ...commonErrors,
    ...rateLimited,
  },
});

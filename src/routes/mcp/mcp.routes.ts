import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { ALL_ROLES, guarded, publicAccess } from "../../auth/access";
import type { AppEnv } from "../../env";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { authErrors, bodyErrors, commonErrors, featureNotConfigured, rateLimited } from "../../openapi/error-responses";
import { jsonResponse } from "../../openapi/json-response";
import { McpQuery, McpRequestBody, McpResponseBody, ProtectedResourceMetadata } from "./mcp.schemas";

const tags = ["MCP"];

/** Where an MCP client learns how to authenticate to `resource` (RFC 9728: the path follows the well-known prefix). */
export const METADATA_PREFIX = "/.well-known/oauth-protected-resource";

/**
 * A 401 from `/mcp` names the protected-resource metadata (RFC 9728 §5.1), which is how an MCP client
 * finds out how to authenticate. Hono has already turned the error into the response when `next` returns.
 */
const withResourceMetadata: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status === Status.UNAUTHORIZED) {
    const metadata = new URL(`${METADATA_PREFIX}/mcp`, c.req.url).href;
    c.res.headers.set("WWW-Authenticate", `Bearer realm="experience-layer", resource_metadata="${metadata}"`);
  }
};

// Any user and any API key: the tools listed are narrowed to the caller's role or scopes, and each call is
// authorised by its own operation, so a tool call has the outcome the REST call would.
const access = guarded({ roles: ALL_ROLES, anyScope: true }, rateLimit(readRateLimit));

export const postMcp = createRoute({
  operationId: "postMcp",
  method: "post",
  path: "/mcp",
  ...access,
  middleware: [withResourceMetadata, ...access.middleware] as const,
  tags,
  summary: "Talk to the MCP server",
  description:
    "The Model Context Protocol endpoint (Streamable HTTP, stateless: no session, no `GET` stream) for agents and MCP clients such as the MCP SDK's `Client`, Claude or Cursor. Authenticate as for every operation (`Authorization: Bearer <access token or API key>`); a 401 carries `WWW-Authenticate` with `resource_metadata`. `tools/list` gives the operations marked for agents (their input schemas are the operations' parameters and bodies, named in snake_case), narrowed to what your role or key's scopes allow and to `?tools=`; `tools/call` makes the operation as you and answers its wire object, or a tool error carrying the problem (`type`, `title`, `status`, `detail`). `resources/read` of `thread://{thread_id}` gives a thread with its memory, newest messages and artifacts in one call. Each request counts against your read budget; each tool call also against the budget of its operation. The guide: docs/mcp.md.",
  request: {
    query: McpQuery,
    body: { required: true, content: { "application/json": { schema: McpRequestBody } } },
  },
  responses: {
    [Status.OK]: jsonResponse(McpResponseBody, "The JSON-RPC response (or responses, for a batch)."),
    [Status.ACCEPTED]: { description: "Only notifications or responses were sent: nothing to answer." },
    ...commonErrors,
    ...authErrors,
    ...bodyErrors,
    ...rateLimited,
    ...featureNotConfigured,
  },
});

const metadataRoute = (path: string, operationId: string, what: string) =>
  createRoute({
    operationId,
    method: "get",
    path,
    ...publicAccess(rateLimit(readRateLimit)),
    tags,
    summary: `Describe how to authenticate to ${what}`,
    description: `OAuth 2.0 Protected Resource Metadata (RFC 9728) for ${what}: its identifier, that bearer credentials go in the \`Authorization\` header, and the scopes an API key may hold. \`authorization_servers\` names this API itself when Google sign-in is on: an MCP client that cannot be given an API key registers and signs its user in through it (OAuth 2.1, PKCE). Access tokens from this API's sign-in and API keys work the same.`,
    responses: {
      [Status.OK]: jsonResponse(ProtectedResourceMetadata, "The metadata."),
      ...commonErrors,
      ...rateLimited,
    },
  });

export const getMcpResourceMetadata = metadataRoute(
  `${METADATA_PREFIX}/mcp`,
  "getMcpResourceMetadata",
  "the MCP endpoint",
);
export const getApiResourceMetadata = metadataRoute(METADATA_PREFIX, "getApiResourceMetadata", "the API");

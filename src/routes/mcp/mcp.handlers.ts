import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missingFor } from "../../features";
import { ApiError } from "../../http/api-error";
import { Status } from "../../http/status";
import { type CompanionWorker, forwardTo, unreachable } from "../../middleware/companion-worker";
import { SCOPES } from "../../schemas/api-keys";
import type { getApiResourceMetadata, getMcpResourceMetadata, postMcp } from "./mcp.routes";

const MCP_WORKER: CompanionWorker = {
  feature: "mcp",
  name: "The MCP worker",
  config: "src/mcp/wrangler.jsonc",
  binding: (env) => env.MCP,
};

/**
 * A refusal of the MCP worker as the contract's problem: its own come as problems already; the MCP
 * transport's (an unsupported protocol version, say) come as JSON-RPC errors and are turned into one.
 */
const refusal = async (c: Context<AppEnv>, answer: Response) => {
  const payload = (await answer.json().catch(() => null)) as { success?: false; error?: { message?: string } } | null;
  if (payload?.success === false) return c.json(payload, answer.status as 400);
  if (answer.status >= 500) throw unreachable(MCP_WORKER);
  throw new ApiError("validation-error", payload?.error?.message ?? `The MCP server answered ${answer.status}.`);
};

/**
 * Forwards the request to the MCP worker (the `MCP` service binding), saying who the caller is; the
 * credentials go along, and every tool call comes back here as the operation it makes.
 */
export const postMcpHandler: RouteHandler<typeof postMcp, AppEnv> = async (c) => {
  const answer = await forwardTo(c, MCP_WORKER, {
    method: "POST",
    // The transport insists on both media types; curl, or a client that names only JSON, is answered all the same.
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify(c.req.valid("json")),
  });
  if (answer.status >= 400) return refusal(c, answer) as never;
  // A fresh response: Hono's middleware adds headers, and a fetched response's are immutable.
  return new Response(answer.body, answer) as never;
};

const metadataOf = (c: Context<AppEnv>, resourcePath: string) => ({
  resource: new URL(resourcePath, c.req.url).href,
  // This API is the authorization server (GET /.well-known/oauth-authorization-server) once Google sign-in is on.
  ...(missingFor(c.env, "google_sign_in").length === 0 ? { authorization_servers: [new URL(c.req.url).origin] } : {}),
  resource_name: resourcePath === "/mcp" ? "Experience Layer MCP" : "Experience Layer API",
  bearer_methods_supported: ["header" as const],
  scopes_supported: [...SCOPES],
  resource_documentation: new URL("/docs", c.req.url).href,
});

export const getMcpResourceMetadataHandler: RouteHandler<typeof getMcpResourceMetadata, AppEnv> = (c) =>
  c.json(metadataOf(c, "/mcp"), Status.OK);

export const getApiResourceMetadataHandler: RouteHandler<typeof getApiResourceMetadata, AppEnv> = (c) =>
  c.json(metadataOf(c, "/"), Status.OK);

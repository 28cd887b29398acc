import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import type { AppEnv } from "../../env";
import { missingFor } from "../../features";
import { ApiError } from "../../http/api-error";
import { Status } from "../../http/status";
import { CALLER_HEADER, callerSummaryOf } from "../../principal";
import { SCOPES } from "../../schemas/api-keys";
import type { getApiResourceMetadata, getMcpResourceMetadata, postMcp } from "./mcp.routes";

/**
 * A refusal of the MCP worker as the contract's problem: its own come as problems already; the MCP
 * transport's (an unsupported protocol version, say) come as JSON-RPC errors and are turned into one.
 */
const refusal = async (c: Context<AppEnv>, answer: Response) => {
  const payload = (await answer.json().catch(() => null)) as { success?: false; error?: { message?: string } } | null;
  if (payload?.success === false) return c.json(payload, answer.status as 400);
  const detail = payload?.error?.message ?? `The MCP server answered ${answer.status}.`;
  throw new ApiError(answer.status < 500 ? "validation-error" : "internal-error", detail);
};

/**
 * Forwards the request to the MCP worker (the `MCP` service binding), saying who the caller is; the
 * credentials go along, and every tool call comes back here as the operation it makes.
 */
export const postMcpHandler: RouteHandler<typeof postMcp, AppEnv> = async (c) => {
  const missing = missingFor(c.env, "mcp");
  if (missing.length > 0 || !c.env.MCP) {
    throw new ApiError(
      "feature-not-configured",
      `MCP needs the ${missing.join(", ")} service binding (src/mcp/wrangler.jsonc).`,
    );
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(CALLER_HEADER, JSON.stringify(callerSummaryOf(principalOf(c))));
  headers.set("X-Request-Id", c.get("requestId"));
  headers.set("Content-Type", "application/json");
  // The transport insists on both; curl and clients that send only JSON's are answered all the same.
  headers.set("Accept", "application/json, text/event-stream");
  const answer = await c.env.MCP.fetch(
    new Request(c.req.url, { method: "POST", headers, body: JSON.stringify(c.req.valid("json")) }),
  );
  if (answer.status >= 400) return refusal(c, answer) as never;
  // A fresh response: Hono's middleware adds headers, and a fetched response's are immutable.
  return new Response(answer.body, answer) as never;
};

const metadataOf = (c: Context<AppEnv>, resourcePath: string) => ({
  resource: new URL(resourcePath, c.req.url).href,
  resource_name: resourcePath === "/mcp" ? "Experience Layer MCP" : "Experience Layer API",
  bearer_methods_supported: ["header" as const],
  scopes_supported: [...SCOPES],
  resource_documentation: new URL("/docs", c.req.url).href,
});

export const getMcpResourceMetadataHandler: RouteHandler<typeof getMcpResourceMetadata, AppEnv> = (c) =>
  c.json(metadataOf(c, "/mcp"), Status.OK);

export const getApiResourceMetadataHandler: RouteHandler<typeof getApiResourceMetadata, AppEnv> = (c) =>
  c.json(metadataOf(c, "/"), Status.OK);

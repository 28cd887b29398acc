import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import type { AppEnv } from "../../env";
import { missingFor } from "../../features";
import { ApiError } from "../../http/api-error";
import { Status } from "../../http/status";
import { errorMessage } from "../../logging";
import { CALLER_HEADER, callerSummaryOf } from "../../principal";
import { SCOPES } from "../../schemas/api-keys";
import type { getApiResourceMetadata, getMcpResourceMetadata, postMcp } from "./mcp.routes";

/** The binding is there but the worker behind it does not answer (in `wrangler dev`: not started beside the API). */
const unreachable = () =>
  new ApiError(
    "feature-not-configured",
    "The MCP worker behind the MCP binding does not answer; deploy src/mcp/wrangler.jsonc (`npm run dev` runs it locally).",
  );

/**
 * A refusal of the MCP worker as the contract's problem: its own come as problems already; the MCP
 * transport's (an unsupported protocol version, say) come as JSON-RPC errors and are turned into one.
 */
const refusal = async (c: Context<AppEnv>, answer: Response) => {
  const payload = (await answer.json().catch(() => null)) as { success?: false; error?: { message?: string } } | null;
  if (payload?.success === false) return c.json(payload, answer.status as 400);
  if (answer.status >= 500) throw unreachable();
  throw new ApiError("validation-error", payload?.error?.message ?? `The MCP server answered ${answer.status}.`);
};

/**
 * Forwards the request to the MCP worker (the `MCP` service binding), saying who the caller is; the
 * credentials go along, and every tool call comes back here as the operation it makes.
 */
export const postMcpHandler: RouteHandler<typeof postMcp, AppEnv> = async (c) => {
  const mcp = c.env.MCP;
  const missing = missingFor(c.env, "mcp");
  if (missing.length > 0 || !mcp) {
    throw new ApiError(
      "feature-not-configured",
      `MCP needs the ${missing.join(", ")} service binding (src/mcp/wrangler.jsonc).`,
    );
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(CALLER_HEADER, JSON.stringify(callerSummaryOf(principalOf(c))));
  headers.set("X-Request-Id", c.get("requestId"));
  headers.set("Content-Type", "application/json");
  // The transport insists on both media types; curl, or a client that names only JSON, is answered all the same.
  headers.set("Accept", "application/json, text/event-stream");
  const answer = await mcp
    .fetch(new Request(c.req.url, { method: "POST", headers, body: JSON.stringify(c.req.valid("json")) }))
    .catch((error: unknown) => {
      c.get("logger").error("the MCP worker cannot be reached", { error: errorMessage(error) });
      throw unreachable();
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

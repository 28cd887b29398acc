import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { callerOf } from "../http/forwarded-caller";
import { workerProblem } from "../http/worker-problem";
import { createLogger, errorMessage } from "../logging";
import type { McpEnv } from "./call-operation";
import { selectTools } from "./catalogue";
import { createMcpServer } from "./server";

/**
 * The MCP worker: a second Worker that serves `/mcp` behind the API (its `MCP` service binding forwards
 * authenticated, rate-limited requests here) and calls the API back through its own `API` binding for
 * every tool, so it keeps to the public contract by construction and adds nothing to the API's bundle.
 */
interface JsonRpcCall {
  method?: string;
  params?: { name?: string };
}

export interface Env extends McpEnv {
  API_VERSION?: string;
}

export default {
  async fetch(request, env) {
    const caller = callerOf(request);
    if (!caller) {
      // Only the API reaches this worker, and it always says who calls: anything else is misrouted.
      return workerProblem("unauthorized", "Call /mcp on the API, which authenticates the request.", {
        requestId: crypto.randomUUID(),
        instance: "/mcp",
      });
    }
    const log = createLogger({ request_id: caller.requestId, worker: "mcp" });
    const { unknown, ...tools } = selectTools(caller.principal, new URL(request.url).searchParams.get("tools"));
    if (unknown.length > 0) {
      return workerProblem(
        "validation-error",
        `?tools= names no tool called ${unknown.join(", ")}; tools/list without ?tools= shows every tool your credentials can use.`,
        { requestId: caller.requestId, instance: "/mcp" },
      );
    }
    const server = createMcpServer(env, caller, tools, env.API_VERSION ?? "1.0.0");
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const started = Date.now();
    try {
      // Parsed here to log what was asked (the API has already checked it is JSON-RPC).
      const parsedBody: unknown = await request.json();
      const messages = (Array.isArray(parsedBody) ? parsedBody : [parsedBody]) as JsonRpcCall[];
      await server.connect(transport);
      const response = await transport.handleRequest(request, { parsedBody });
      log.info("mcp request", {
        status: response.status,
        duration_ms: Date.now() - started,
        methods: messages.map((message) => message.method ?? "response"),
        tools: messages.flatMap((message) => (message.params?.name ? [message.params.name] : [])),
      });
      return response;
    } catch (error) {
      log.error("mcp request failed", { error: errorMessage(error) });
      return workerProblem("internal-error", "The MCP request failed; quote trace_id when reporting it.", {
        requestId: caller.requestId,
        instance: "/mcp",
      });
    }
  },
} satisfies ExportedHandler<Env>;

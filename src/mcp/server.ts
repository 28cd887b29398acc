import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker-provider.js";
import type { Caller } from "../http/forwarded-caller";
import { callOperation, type McpEnv } from "./call-operation";
import type { Tool } from "./catalogue";
import { listThreadResources, RESOURCE_TEMPLATES, readResource } from "./resources";

const INSTRUCTIONS =
  "Experience Layer: threads of messages, reactions, artifacts and files shared by people and agents. " +
  "Read a thread whole with the resource thread://{thread_id}. Post with create_message; to stream a reply, " +
  "create_message with streaming=true, then append_message_delta with offset = the length of the text so far, " +
  "then complete_message. Pass idempotency_key on writes so a retry cannot post twice. A failed call is a tool " +
  "error carrying the API's problem (type, title, status, detail).";

/**
 * One MCP server per HTTP request (stateless Streamable HTTP): the tools this caller may use listed, each
 * call made as the caller through the API (which decides, as for REST), and the thread resources.
 */
export const createMcpServer = (
  env: McpEnv,
  caller: Caller,
  { listed, callable }: { listed: Tool[]; callable: Tool[] },
  version: string,
) => {
  const server = new Server(
    { name: "experience-layer", title: "Experience Layer", version },
    {
      capabilities: { tools: { listChanged: false }, resources: { listChanged: false } },
      instructions: INSTRUCTIONS,
      // The SDK's default validator (Ajv) compiles with `new Function`, which Workers forbid.
      jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    },
  );
  const byName = new Map(callable.map((tool) => [tool.name, tool]));

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: listed.map(({ name, title, description, inputSchema, annotations }) => ({
      name,
      title,
      description,
      inputSchema,
      annotations,
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `No tool named ${request.params.name} is offered on this connection (see tools/list and ?tools=).`,
      );
    }
    return callOperation(env, tool.operation, request.params.arguments ?? {}, caller);
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler(ListResourcesRequestSchema, (request) =>
    listThreadResources(env, caller, request.params?.cursor),
  );
  server.setRequestHandler(ReadResourceRequestSchema, (request) => readResource(env, caller, request.params.uri));
  return server;
};

import { z } from "@hono/zod-openapi";

/** One JSON-RPC 2.0 message of the Model Context Protocol (the MCP worker checks the rest). */
const JsonRpcMessage = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z
      .union([
        z.string().max(200),
        z
          .number()
          .int()
          .min(-(2 ** 53) + 1)
          .max(2 ** 53 - 1)
          .openapi({ format: "int64" }),
      ])
      .optional(),
    method: z.string().max(200).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    result: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .openapi("JsonRpcMessage", {
    description: "A JSON-RPC 2.0 request, notification or response of the Model Context Protocol.",
  });

export const McpRequestBody = z.union([JsonRpcMessage, z.array(JsonRpcMessage).min(1).max(20)]).openapi("McpRequest", {
  example: {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "get_thread", arguments: { id: "cmif7vj3k0000abcd12345678" } },
  },
});

export const McpResponseBody = z.union([JsonRpcMessage, z.array(JsonRpcMessage).max(20)]).openapi("McpResponse", {
  example: {
    jsonrpc: "2.0",
    id: 1,
    result: {
      content: [{ type: "text", text: '{"data":{"id":"cmif7vj3k0000abcd12345678","title":"Q3 churn review"}}' }],
    },
  },
});

export const McpQuery = z.object({
  tools: z
    .string()
    .max(2000)
    .regex(/^[a-z_]+(,[a-z_]+)*$/)
    .optional()
    .openapi({
      description:
        "Only these tools (comma-separated names), for clients that cap how many tools they take or partners who allow a few; a name that is no tool is refused (400). Without it: every tool your credentials can use.",
      example: "get_thread,list_messages,create_message",
    }),
});

export const ProtectedResourceMetadata = z
  .object({
    resource: z.string().url().max(2048).openapi({ description: "The protected resource's identifier (RFC 9728)." }),
    authorization_servers: z.array(z.url().max(2048)).max(1).optional().openapi({
      description:
        "This API's origin, whose OAuth metadata is at /.well-known/oauth-authorization-server; absent when Google sign-in is off.",
    }),
    resource_name: z.string().max(100),
    bearer_methods_supported: z.array(z.literal("header")).max(1),
    scopes_supported: z.array(z.string().max(64)).max(50).openapi({ description: "The scopes an API key may hold." }),
    resource_documentation: z.string().url().max(2048),
  })
  .openapi("ProtectedResourceMetadata", {
    example: {
      resource: "https://api.experience-layer.dev/mcp",
      authorization_servers: ["https://api.experience-layer.dev"],
      resource_name: "Experience Layer MCP",
      bearer_methods_supported: ["header"],
      scopes_supported: ["threads:read", "messages:write"],
      resource_documentation: "https://api.experience-layer.dev/docs",
    },
  });

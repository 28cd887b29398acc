/**
 * Spread into `createRoute` of an operation agents may call over MCP: the spec carries `x-mcp: true`, and
 * scripts/generate.mjs derives the tool (snake_case name, input schema, description) from the operation
 * itself into src/mcp/tools.generated.json, so the tool cannot drift from the REST contract.
 */
export const mcpTool = { "x-mcp": true } as const;

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker-provider.js";
import type { Harness } from "./harness";

// Runtime-neutral like ./harness.ts: the workers suite and the e2e suite drive /mcp through the same helpers.

/**
 * The MCP SDK's own client, connected to `/mcp` (with `?tools=` when given) as the bearer of `token`,
 * through the harness's fetch (so the workers suite checks every answer against the contract).
 */
export const mcpClient = async (h: Harness, token: string, tools?: string) => {
  // The SDK's default validator (Ajv) compiles with `new Function`, which workerd forbids.
  const client = new Client(
    { name: "experience-layer-tests", version: "1.0.0" },
    { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  const url = new URL("/mcp", h.baseUrl);
  if (tools !== undefined) url.searchParams.set("tools", tools);
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: (input, init) => h.fetch(new Request(input, init)),
  });
  await client.connect(transport);
  return client;
};

export interface ToolProblem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string }[];
}

/** A tool result's wire object (`data`, and `pagination` of a page); fails when the call was a tool error. */
export const toolData = <T = Record<string, unknown>>(result: CallToolResult | Record<string, unknown>) => {
  const structured = result.structuredContent as { data: T; pagination?: { next_cursor: string | null } };
  if (result.isError) throw new Error(`tool error: ${JSON.stringify(structured)}`);
  return structured;
};

/** A tool error's problem; fails when the call succeeded. */
export const toolProblem = (result: CallToolResult | Record<string, unknown>): ToolProblem => {
  if (!result.isError) throw new Error(`expected a tool error, got ${JSON.stringify(result.structuredContent)}`);
  return (result.structuredContent as { error: ToolProblem }).error;
};

// ——— The tools against the contract ———

type Schema = Record<string, unknown>;
interface SpecOperation {
  operationId: string;
  summary: string;
  description: string;
  "x-mcp"?: boolean;
  parameters?: Schema[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}
export interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Schema> };
}
export interface ListedTool {
  name: string;
  description?: string;
  inputSchema: Schema & { properties?: Record<string, Schema>; required?: string[]; $defs?: Record<string, Schema> };
}

/** Block Kit blocks are given to tools in summary (scripts/mcp-tools.mjs); compared by their block types. */
const SUMMARIZED = "Block";

/** A schema with every `$ref` replaced by what it names (a summarized or recursive one left as a marker). */
const inline = (node: unknown, lookup: (ref: string) => [string, Schema] | null, seen: string[] = []): unknown => {
  if (Array.isArray(node)) return node.map((item) => inline(item, lookup, seen));
  if (node === null || typeof node !== "object") return node;
  const record = node as Schema;
  if (typeof record.$ref === "string") {
    const found = lookup(record.$ref);
    if (!found) return { unresolved: record.$ref };
    const [name, target] = found;
    if (name === SUMMARIZED || seen.includes(name)) return { ref: name };
    const rest = Object.fromEntries(Object.entries(record).filter(([key]) => key !== "$ref"));
    return { ...(inline(target, lookup, [...seen, name]) as Schema), ...(inline(rest, lookup, seen) as Schema) };
  }
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key !== "discriminator" && key !== "$defs")
      .map(([key, value]) => [key, inline(value, lookup, seen)]),
  );
};

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, item) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );

const toolName = (operationId: string) => operationId.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The arguments an operation's tool must take, each with its schema inlined, and which are required. */
const expectedArguments = (spec: Spec, operation: SpecOperation) => {
  const lookup = (ref: string): [string, Schema] | null => {
    const name = ref.replace("#/components/schemas/", "");
    return spec.components.schemas[name] ? [name, spec.components.schemas[name]] : null;
  };
  const headers: Record<string, string> = { "idempotency-key": "idempotency_key", "if-match": "if_match" };
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const raw of operation.parameters ?? []) {
    const parameter = (
      typeof raw.$ref === "string" ? spec.components.parameters[raw.$ref.replace("#/components/parameters/", "")] : raw
    ) as { name: string; in: string; required?: boolean; description?: string; schema: Schema };
    const name = parameter.in === "header" ? headers[parameter.name.toLowerCase()] : parameter.name;
    // A stream token (`token`) opens an event stream only: it is no tool argument.
    if (!name || parameter.in === "cookie" || (parameter.in === "query" && name === "token")) continue;
    properties[name] = inline(
      { ...parameter.schema, ...(parameter.description ? { description: parameter.description } : {}) },
      lookup,
    );
    if (parameter.required) required.push(name);
  }
  const body = operation.requestBody && Object.values(operation.requestBody.content)[0]?.schema;
  if (body) {
    const resolved = inline(body, lookup) as Schema & { properties?: Record<string, unknown>; required?: string[] };
    const plain = resolved.type === "object" && resolved.properties && !resolved.oneOf && !resolved.anyOf;
    if (plain && resolved.properties && Object.keys(resolved.properties).every((name) => !(name in properties))) {
      Object.assign(properties, resolved.properties);
      if (operation.requestBody?.required) required.push(...(resolved.required ?? []));
    } else {
      properties.body = resolved;
      if (operation.requestBody?.required) required.push("body");
    }
  }
  return { properties, required, lookup };
};

/**
 * How the listed tools differ from the operations `spec` marks `x-mcp` (empty when they agree): a marked
 * operation without its tool, a tool without its operation, or a tool whose name, arguments, argument
 * schemas (every `$ref` inlined on both sides), required arguments or description differ from its operation's.
 */
export const toolDifferences = (spec: Spec, tools: ListedTool[]): string[] => {
  const differences: string[] = [];
  const marked = new Map(
    Object.values(spec.paths)
      .flatMap((methods) => Object.values(methods))
      .filter((operation) => operation["x-mcp"] === true)
      .map((operation) => [toolName(operation.operationId), operation] as const),
  );
  for (const name of marked.keys()) {
    if (!tools.some((tool) => tool.name === name)) differences.push(`${name}: marked x-mcp but not listed`);
  }
  for (const tool of tools) {
    const operation = marked.get(tool.name);
    if (!operation) {
      differences.push(`${tool.name}: listed, but no operation marked x-mcp has that name`);
      continue;
    }
    const expected = expectedArguments(spec, operation);
    const definitions = tool.inputSchema.$defs ?? {};
    const fromTool = (ref: string): [string, Schema] | null => {
      const name = ref.replace("#/$defs/", "");
      return definitions[name] ? [name, definitions[name]] : null;
    };
    const actual = tool.inputSchema.properties ?? {};
    if (canonical(Object.keys(actual).sort()) !== canonical(Object.keys(expected.properties).sort())) {
      differences.push(
        `${tool.name}: arguments ${Object.keys(actual).join(",")} ≠ ${Object.keys(expected.properties).join(",")}`,
      );
    }
    for (const [argument, schema] of Object.entries(expected.properties)) {
      if (argument in actual && canonical(inline(actual[argument], fromTool)) !== canonical(schema)) {
        differences.push(`${tool.name}: the schema of ${argument} differs from the operation's`);
      }
    }
    if (canonical([...(tool.inputSchema.required ?? [])].sort()) !== canonical([...expected.required].sort())) {
      differences.push(`${tool.name}: required ${tool.inputSchema.required} ≠ ${expected.required}`);
    }
    const block = definitions[SUMMARIZED] as { properties?: { type?: { enum?: string[] } } } | undefined;
    const discriminator = spec.components.schemas[SUMMARIZED]?.discriminator as { mapping?: Record<string, string> };
    const blockTypes = Object.keys(discriminator?.mapping ?? {});
    if (block && canonical(block.properties?.type?.enum) !== canonical(blockTypes)) {
      differences.push(`${tool.name}: its Block summary's types differ from the contract's block types`);
    }
    if (!tool.description?.includes(operation.summary) || !tool.description.includes(operation.description)) {
      differences.push(`${tool.name}: its description is not its operation's summary and description`);
    }
  }
  return differences;
};

// Derives the MCP tools (src/mcp/tools.generated.json) from the operations the spec marks with `x-mcp`
// (src/openapi/mcp.ts). scripts/generate.mjs writes the result; test/integration/mcp.tools.test.ts checks
// the served tools against the served spec, so a tool cannot drift from its operation.

/** Request headers a tool takes as arguments; every other header parameter is left to the transport. */
const HEADER_ARGUMENTS = { "idempotency-key": "idempotency_key", "if-match": "if_match" };

/** Query parameters that are not arguments: `token` is a stream token, which opens an event stream only. */
const SKIPPED_QUERY = new Set(["token"]);

/**
 * Schemas given to tools in summary: a Block Kit block's full schema (about 30 KB per tool that takes blocks)
 * would make the tool list cost an agent ~90k tokens of context. The summary keeps the block types; the API
 * still validates every block and answers a tool error naming each failing path.
 */
const SUMMARIZED = new Set(["Block"]);

const summaryOf = (name, schema) => ({
  type: "object",
  properties: { type: { type: "string", enum: Object.keys(schema.discriminator.mapping) } },
  required: ["type"],
  description: `${schema.description} Its full schema is \`components.schemas.${name}\` of the API reference (/openapi.json).`,
});

const snakeCase = (operationId) => operationId.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const COMPONENT = "#/components/schemas/";

const resolveParameter = (spec, parameter) =>
  parameter.$ref ? spec.components.parameters[parameter.$ref.slice("#/components/parameters/".length)] : parameter;

/** `$ref`s to components become `$ref`s into the tool's own `$defs`, which holds every schema they reach. */
const withDefinitions = (spec, schema) => {
  const definitions = {};
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT)) {
        const name = value.slice(COMPONENT.length);
        copy.$ref = `#/$defs/${name}`;
        if (!(name in definitions)) {
          definitions[name] = null;
          const component = spec.components.schemas[name];
          definitions[name] = SUMMARIZED.has(name) ? summaryOf(name, component) : rewrite(component);
        }
      } else if (key === "discriminator") {
        // OpenAPI's discriminator mapping names components; JSON Schema needs no more than the oneOf.
      } else {
        copy[key] = rewrite(value);
      }
    }
    return copy;
  };
  const rewritten = rewrite(schema);
  const names = Object.keys(definitions).sort();
  return names.length === 0
    ? rewritten
    : { ...rewritten, $defs: Object.fromEntries(names.map((name) => [name, definitions[name]])) };
};

const bodyOf = (spec, operation) => {
  const content = operation.requestBody?.content;
  if (!content) return null;
  const entries = Object.entries(content);
  const [contentType, media] = entries[0];
  if (entries.length !== 1 || !/json$/.test(contentType)) {
    throw new Error(
      `${operation.operationId}: an MCP tool takes one JSON body, not ${Object.keys(content).join(", ")}`,
    );
  }
  const schema = media.schema;
  const resolved = schema.$ref ? spec.components.schemas[schema.$ref.slice(COMPONENT.length)] : schema;
  return { contentType, schema, resolved, required: operation.requestBody.required === true };
};

/** A plain object body is spread into the arguments; any other (a oneOf, a free-form patch) is the `body` argument. */
const isFlat = (resolved, taken) =>
  resolved.type === "object" &&
  resolved.properties !== undefined &&
  !resolved.oneOf &&
  !resolved.anyOf &&
  !resolved.allOf &&
  Object.keys(resolved.properties).every((name) => !taken.has(name));

const toolOf = (spec, method, path, operation) => {
  const properties = {};
  const required = [];
  const parameters = [];
  for (const raw of operation.parameters ?? []) {
    const parameter = resolveParameter(spec, raw);
    const argument =
      parameter.in === "header"
        ? HEADER_ARGUMENTS[parameter.name.toLowerCase()]
        : parameter.in !== "cookie" &&
          !(parameter.in === "query" && SKIPPED_QUERY.has(parameter.name)) &&
          parameter.name;
    if (!argument) continue;
    properties[argument] = {
      ...parameter.schema,
      ...(parameter.description ? { description: parameter.description } : {}),
    };
    if (parameter.required) required.push(argument);
    parameters.push({ name: parameter.name, in: parameter.in, argument });
  }
  const body = bodyOf(spec, operation);
  let bodyMode = null;
  if (body) {
    if (isFlat(body.resolved, new Set(Object.keys(properties)))) {
      Object.assign(properties, body.resolved.properties);
      if (body.required) required.push(...(body.resolved.required ?? []));
      bodyMode = { contentType: body.contentType, spread: true };
    } else {
      properties.body = body.schema;
      if (body.required) required.push("body");
      bodyMode = { contentType: body.contentType, spread: false };
    }
  }
  const access = operation["x-access"];
  const readOnly = method === "get";
  return {
    name: snakeCase(operation.operationId),
    title: operation.summary,
    description: `${operation.summary}. ${operation.description}`,
    inputSchema: withDefinitions(spec, {
      type: "object",
      properties,
      ...(required.length ? { required } : {}),
      additionalProperties: false,
    }),
    annotations: {
      readOnlyHint: readOnly,
      destructiveHint: method === "delete",
      idempotentHint: readOnly || method === "put" || method === "delete",
      openWorldHint: false,
    },
    operation: {
      operationId: operation.operationId,
      method: method.toUpperCase(),
      path,
      parameters,
      body: bodyMode,
      roles: access.roles ?? [],
      ...(access.scope ? { scope: access.scope } : {}),
    },
  };
};

/** Every operation marked `x-mcp`, as a tool, in the spec's order. */
export const mcpTools = (spec) => {
  const tools = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation["x-mcp"] === true) tools.push(toolOf(spec, method, path, operation));
    }
  }
  return tools;
};

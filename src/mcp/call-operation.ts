import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Caller } from "../http/forwarded-caller";
import type { ToolOperation } from "./catalogue";

export interface McpEnv {
  /** The API worker (service binding): every tool call is one of its operations. */
  API: Fetcher;
}

/** The problem members a tool error carries (RFC 9457, as the API answers them). */
interface ProblemSummary {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: unknown;
}

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** The operation's request, from the tool's arguments: path and query parameters, headers, then the body. */
const requestFor = (operation: ToolOperation, args: Record<string, unknown>, caller: Caller): Request => {
  const taken = new Set<string>();
  let path = operation.path;
  const query = new URLSearchParams();
  const headers = new Headers(caller.headers);
  for (const parameter of operation.parameters) {
    taken.add(parameter.argument);
    const value = args[parameter.argument];
    if (value === undefined || value === null) continue;
    if (parameter.in === "path") path = path.replace(`{${parameter.name}}`, encodeURIComponent(asText(value)));
    else if (parameter.in === "query") query.set(parameter.name, asText(value));
    else headers.set(parameter.name, asText(value));
  }
  const url = new URL(path, caller.origin);
  url.search = query.toString();
  let body: string | undefined;
  if (operation.body) {
    const value = operation.body.spread
      ? Object.fromEntries(Object.entries(args).filter(([name]) => !taken.has(name)))
      : args.body;
    if (value !== undefined) {
      body = JSON.stringify(value);
      headers.set("Content-Type", operation.body.contentType);
    }
  }
  return new Request(url, { method: operation.method, headers, body });
};

/** The API's problem in a response, whichever of its two shapes (envelope or bare problem+json) it came in. */
export const problemIn = (status: number, payload: unknown): ProblemSummary => {
  const record = (payload ?? {}) as { error?: ProblemSummary } & Partial<ProblemSummary>;
  const problem = record.error ?? record;
  return {
    type: problem.type ?? "about:blank",
    title: problem.title ?? `HTTP ${status}`,
    status: problem.status ?? status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
};

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
};

/** The answer as a tool result: the same wire object (`data`, and `pagination` for a page), or the problem. */
const toolResult = async (response: Response): Promise<CallToolResult> => {
  const payload = await readJson(response);
  if (!response.ok) {
    const problem = problemIn(response.status, payload);
    return {
      isError: true,
      structuredContent: { error: problem },
      content: [{ type: "text", text: JSON.stringify({ error: problem }) }],
    };
  }
  const envelope = (payload ?? {}) as { data?: unknown; pagination?: unknown };
  const structured =
    response.status === 204
      ? {}
      : { data: envelope.data, ...(envelope.pagination ? { pagination: envelope.pagination } : {}) };
  return { structuredContent: structured, content: [{ type: "text", text: JSON.stringify(structured) }] };
};

/** Calls the operation on the API through the service binding, as the caller. */
export const callOperation = async (
  env: McpEnv,
  operation: ToolOperation,
  args: Record<string, unknown>,
  caller: Caller,
): Promise<CallToolResult> => toolResult(await env.API.fetch(requestFor(operation, args, caller)));

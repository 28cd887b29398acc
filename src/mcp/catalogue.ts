import type { CallerSummary } from "../principal";
import generated from "./tools.generated.json";

/** How a tool's arguments become its operation's request (scripts/mcp-tools.mjs derives both from the spec). */
export interface ToolOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: { name: string; in: string; argument: string }[];
  /** `spread`: the body's members are arguments; otherwise the whole body is the `body` argument. */
  body: { contentType: string; spread: boolean } | null;
  roles: string[];
  scope?: string;
}

export interface Tool {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; properties: Record<string, unknown>; [key: string]: unknown };
  annotations: Record<string, boolean>;
  operation: ToolOperation;
}

const TOOLS = generated as Tool[];

const byName = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** Tools the caller's credentials can use at all: its role's for a user, its scopes' for an API key. */
const usableBy = (principal: CallerSummary, tool: Tool) =>
  principal.kind === "user"
    ? tool.operation.roles.includes(principal.role)
    : tool.operation.scope !== undefined && principal.scopes.includes(tool.operation.scope);

/**
 * What one connection offers: `listed`, the tools the caller's credentials can use, narrowed to `?tools=`;
 * `callable`, every tool `?tools=` allows (a call the caller may not make gets the operation's own 403, as
 * over REST); `unknown`, names in `?tools=` that are no tool (the request is refused).
 */
export const selectTools = (principal: CallerSummary, allowList: string | null) => {
  const wanted = allowList === null ? null : allowList.split(",").filter(Boolean);
  const unknown = (wanted ?? []).filter((name) => !byName.has(name));
  const allowed = wanted === null ? null : new Set(wanted);
  const callable = TOOLS.filter((tool) => allowed?.has(tool.name) ?? true);
  return { unknown, callable, listed: callable.filter((tool) => usableBy(principal, tool)) };
};

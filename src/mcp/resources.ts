import { ErrorCode, McpError, type ReadResourceResult, type Resource } from "@modelcontextprotocol/sdk/types.js";
import type { Caller } from "../http/forwarded-caller";
import { type McpEnv, problemIn } from "./call-operation";

/** The protocol's error code for a resource that does not exist (or that the caller cannot see). */
const RESOURCE_NOT_FOUND = -32002;

/** How many of a thread's newest messages and artifacts its resource holds. */
const THREAD_RESOURCE_LIMIT = 50;

export const RESOURCE_TEMPLATES = [
  {
    uriTemplate: "thread://{thread_id}",
    name: "thread",
    title: "A thread, whole",
    description: `The thread, its memory, its ${THREAD_RESOURCE_LIMIT} newest messages (oldest first) and its ${THREAD_RESOURCE_LIMIT} newest artifacts, in one read: what an agent needs before it answers.`,
    mimeType: "application/json",
  },
  {
    uriTemplate: "thread://{thread_id}/messages/{message_id}",
    name: "message",
    title: "A message",
    description: "One message with its attachments and reactions (as getMessage answers it).",
    mimeType: "application/json",
  },
  {
    uriTemplate: "thread://{thread_id}/artifacts/{artifact_id}",
    name: "artifact",
    title: "An artifact",
    description: "One artifact's current version (as getArtifact answers it).",
    mimeType: "application/json",
  },
];

const ID = "([a-z0-9]{1,64})";
const THREAD = new RegExp(`^thread://${ID}$`);
/** The single-object resources: the operation each one reads. */
const SINGLE: [RegExp, string][] = [
  [new RegExp(`^thread://${ID}/messages/${ID}$`), "messages"],
  [new RegExp(`^thread://${ID}/artifacts/${ID}$`), "artifacts"],
];

/** GETs one API path as the caller; a problem becomes the MCP error (a 404: resource not found). */
const read = async (env: McpEnv, caller: Caller, path: string): Promise<{ data: unknown; pagination?: unknown }> => {
  const response = await env.API.fetch(new Request(new URL(path, caller.origin), { headers: caller.headers }));
  const payload = await response.json().catch(() => null);
  if (response.ok) return payload as { data: unknown };
  const problem = problemIn(response.status, payload);
  const code =
    response.status === 404
      ? RESOURCE_NOT_FOUND
      : response.status < 500
        ? ErrorCode.InvalidRequest
        : ErrorCode.InternalError;
  throw new McpError(code, `${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`, problem);
};

const threadWhole = async (env: McpEnv, caller: Caller, thread: string) => {
  const base = `/threads/${thread}`;
  // The thread first: an unreachable thread is one not-found, not four.
  const { data: threadObject } = await read(env, caller, base);
  const [memory, messages, artifacts] = await Promise.all([
    read(env, caller, `${base}/memory`),
    read(env, caller, `${base}/messages?limit=${THREAD_RESOURCE_LIMIT}`),
    read(env, caller, `${base}/artifacts?limit=${THREAD_RESOURCE_LIMIT}`),
  ]);
  return {
    thread: threadObject,
    memory: memory.data,
    messages: [...(messages.data as unknown[])].reverse(),
    artifacts: artifacts.data,
  };
};

const readValue = async (env: McpEnv, caller: Caller, uri: string): Promise<unknown> => {
  const thread = THREAD.exec(uri);
  if (thread) return threadWhole(env, caller, thread[1] as string);
  for (const [pattern, collection] of SINGLE) {
    const match = pattern.exec(uri);
    if (match) return (await read(env, caller, `/threads/${match[1]}/${collection}/${match[2]}`)).data;
  }
  throw new McpError(RESOURCE_NOT_FOUND, `No resource has the URI ${uri}; see resources/templates/list.`, { uri });
};

export const readResource = async (env: McpEnv, caller: Caller, uri: string): Promise<ReadResourceResult> => ({
  contents: [{ uri, mimeType: "application/json", text: JSON.stringify(await readValue(env, caller, uri)) }],
});

/** The caller's threads, most recently active first, one page at a time (the API's cursor is the MCP cursor). */
export const listThreadResources = async (
  env: McpEnv,
  caller: Caller,
  cursor: string | undefined,
): Promise<{ resources: Resource[]; nextCursor?: string }> => {
  const query = new URLSearchParams({ limit: String(THREAD_RESOURCE_LIMIT), ...(cursor ? { cursor } : {}) });
  const page = await read(env, caller, `/threads?${query}`);
  const threads = page.data as { id: string; title: string; updated_at?: string }[];
  const pagination = page.pagination as { has_more: boolean; next_cursor: string | null } | undefined;
  return {
    resources: threads.map((thread) => ({
      uri: `thread://${thread.id}`,
      name: thread.title,
      mimeType: "application/json",
    })),
    ...(pagination?.has_more && pagination.next_cursor ? { nextCursor: pagination.next_cursor } : {}),
  };
};

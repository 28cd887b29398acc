// `npm run mcp-client`: an agent's turn over MCP, with the MCP SDK's own client (docs/mcp.md). It reads a thread
// whole (one resource read), then answers its last message with a reply streamed through the tools.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see docs/mcp.md)`);
  return value;
};
const apiUrl = process.env.API_URL ?? "http://localhost:8787";
const threadId = required("THREAD");

const client = new Client({ name: "experience-layer-example", version: "1.0.0" });
await client.connect(
  new StreamableHTTPClientTransport(new URL("/mcp", apiUrl), {
    requestInit: { headers: { Authorization: `Bearer ${required("API_KEY")}` } },
  }),
);

/** Calls a tool; a tool error carries the API's problem, thrown here as an Error. */
const call = async <T>(name: string, args: Record<string, unknown>): Promise<T> => {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const structured = result.structuredContent as { data?: T; error?: { title: string; detail?: string } };
  if (result.isError) throw new Error(`${name}: ${structured.error?.title} — ${structured.error?.detail}`);
  return structured.data as T;
};

const { tools } = await client.listTools();
console.log(`${tools.length} tools`);

// The thread, its memory, its newest messages (oldest first) and artifacts, in one read.
const [content] = (await client.readResource({ uri: `thread://${threadId}` })).contents;
const thread = JSON.parse(content && "text" in content ? content.text : "{}") as { messages: { text: string }[] };
const question = thread.messages.at(-1)?.text ?? "";

// A streamed reply: start it, append each chunk at its offset (a retried chunk is applied once), complete it.
const reply = await call<{ id: string }>("create_message", {
  id: threadId,
  streaming: true,
  idempotency_key: `reply-to-${threadId}-${thread.messages.length}`,
});
let offset = 0;
for (const chunk of ["You asked: ", question].filter(Boolean)) {
  await call("append_message_delta", { id: threadId, message_id: reply.id, offset, text: chunk });
  offset += chunk.length;
}
const done = await call<{ text: string }>("complete_message", { id: threadId, message_id: reply.id });
console.log(done.text);
await client.close();

import { z } from "@hono/zod-openapi";
import { Id, Timestamp } from "../schemas/common";
import { Name } from "./api-keys";

/** Agents (API keys) one thread can have as members: a bound on the list and on fan-out. */
export const MAX_AGENTS_PER_THREAD = 100;

export const ThreadAgentSchema = z
  .object({
    thread_id: Id,
    api_key_id: Id.openapi({ description: "The member-only API key added to the thread." }),
    name: Name.openapi({ description: "The key's name, as an admin gave it (what the agent is)." }),
    added_by: Id.nullable().openapi({
      description: "The user who added it; null when the key created the thread itself, or once that user is deleted.",
    }),
    added_at: Timestamp,
  })
  .openapi("ThreadAgent", {
    description:
      "An agent in a thread: a member-only API key reaches the threads it is in, and only those (like a Slack app in the channels it was added to).",
  });

export type ThreadAgent = z.infer<typeof ThreadAgentSchema>;

export const threadAgentExample: ThreadAgent = {
  thread_id: "cmif7vj3k0000thread000001",
  api_key_id: "cmif7vj3k0000apikey000001",
  name: "Acme CRM sync",
  added_by: "cmif7vj3k0000abcd12345678",
  added_at: "2026-11-25T10:00:00.000Z",
};

/** A membership row with its key's name, as the repository reads it. */
export interface ThreadAgentRow {
  threadId: string;
  apiKeyId: string;
  addedById: string | null;
  createdAt: Date;
  apiKey: { name: string };
}

export const threadAgentToWire = (row: ThreadAgentRow): ThreadAgent => ({
  thread_id: row.threadId,
  api_key_id: row.apiKeyId,
  name: row.apiKey.name,
  added_by: row.addedById,
  added_at: row.createdAt.toISOString(),
});

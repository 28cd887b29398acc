import { z } from "@hono/zod-openapi";
import { envelope, Id } from "../../schemas/common";
import { MAX_AGENTS_PER_THREAD, ThreadAgentSchema, threadAgentExample } from "../../wire/thread-agents";

export const AgentParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "The thread's id." }),
  key_id: Id.openapi({ param: { name: "key_id", in: "path" }, description: "The API key's id." }),
});

export const ThreadAgentResponse = envelope(ThreadAgentSchema, "ThreadAgentResponse", threadAgentExample);

export const ThreadAgentListResponse = envelope(
  z.array(ThreadAgentSchema).max(MAX_AGENTS_PER_THREAD),
  "ThreadAgentListResponse",
  [threadAgentExample],
);

import { z } from "@hono/zod-openapi";
import { envelope } from "../../schemas/common";
import { MEMORY_LIMITS, ThreadMemorySchema, threadMemoryExample, withinLimits } from "../../wire/memory";

export const MemoryMergePatch = z
  .record(z.string().max(MEMORY_LIMITS.maxKeyLength), z.unknown())
  .superRefine(withinLimits)
  .openapi("MemoryMergePatch", {
    description:
      "A JSON Merge Patch (RFC 7396) of the memory document: members replace the document's, `null` removes a member, objects merge recursively. The patched document must stay within the memory limits.",
    example: { last_report: "q4-churn", goals: null },
  });

export const ThreadMemoryResponse = envelope(ThreadMemorySchema, "ThreadMemoryResponse", threadMemoryExample);

import { z } from "@hono/zod-openapi";
import { MEMORY_MAX_BYTES } from "../../repositories/threads.repository";
import { Counter, envelope, Timestamp } from "../../schemas/common";

export const MEMORY_LIMITS = {
  /** Size of the document as compact JSON, in UTF-8 bytes. */
  maxBytes: MEMORY_MAX_BYTES,
  /** Nesting of objects and arrays. */
  maxDepth: 32,
  maxKeyLength: 256,
} as const;

const depthOf = (value: unknown): number => {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
};

/**
 * A JSON object within the limits; a violation is reported on the document itself. Patches are held
 * to them too: merging never makes a document deeper than the deeper of the two.
 */
const withinLimits = (document: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const bytes = new TextEncoder().encode(JSON.stringify(document)).length;
  if (bytes > MEMORY_LIMITS.maxBytes) {
    ctx.addIssue({
      code: "custom",
      message: `At most ${MEMORY_LIMITS.maxBytes} bytes of JSON; this is ${bytes}`,
    });
  }
  if (depthOf(document) > MEMORY_LIMITS.maxDepth) {
    ctx.addIssue({ code: "custom", message: `Memory nests at most ${MEMORY_LIMITS.maxDepth} levels deep` });
  }
};

const documentDescription = `The agent's memory of the thread: any JSON object, at most ${MEMORY_LIMITS.maxBytes / 1024} KiB as compact UTF-8 JSON and ${MEMORY_LIMITS.maxDepth} levels deep, keys up to ${MEMORY_LIMITS.maxKeyLength} characters.`;

export const MemoryDocument = z
  .record(z.string().max(MEMORY_LIMITS.maxKeyLength), z.unknown())
  .superRefine(withinLimits)
  .openapi("MemoryDocument", {
    description: documentDescription,
    example: { customer: "Acme", goals: ["reduce churn"], last_report: "q3-churn" },
  });

export const MemoryMergePatch = z
  .record(z.string().max(MEMORY_LIMITS.maxKeyLength), z.unknown())
  .superRefine(withinLimits)
  .openapi("MemoryMergePatch", {
    description:
      "A JSON Merge Patch (RFC 7396) of the memory document: members replace the document's, `null` removes a member, objects merge recursively. The patched document must stay within the memory limits.",
    example: { last_report: "q4-churn", goals: null },
  });

export const ThreadMemorySchema = z
  .object({
    version: Counter.openapi({
      description: "Starts at 0 (no memory yet); every change adds one. The ETag is this number.",
    }),
    updated_at: Timestamp.nullable(),
    memory: MemoryDocument,
  })
  .openapi("ThreadMemory");

export const ThreadMemoryResponse = envelope(ThreadMemorySchema, "ThreadMemoryResponse", {
  version: 3,
  updated_at: "2026-11-25T10:00:00.000Z",
  memory: { customer: "Acme", goals: ["reduce churn"], last_report: "q3-churn" },
});

import { z } from "@hono/zod-openapi";
import { Counter, Timestamp } from "../schemas/common";

export const MEMORY_LIMITS = {
  /** Size of the document as compact JSON, in UTF-8 bytes (the write checks it again in SQL). */
  maxBytes: 65_536,
  /** Nesting of objects and arrays. */
  maxDepth: 32,
  maxKeyLength: 256,
} as const;

/**
 * Whether a JSON value nests deeper than `limit`, found without recursion and stopping at the first
 * level too deep (a body of a few kilobytes can nest thousands of levels).
 */
const nestsDeeperThan = (value: unknown, limit: number): boolean => {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
};

/**
 * A JSON object within the limits; a violation is reported on the document itself. Patches are held
 * to them too: merging never makes a document deeper than the deeper of the two.
 */
export const withinLimits = (document: Record<string, unknown>, ctx: z.RefinementCtx) => {
  // Depth first: measuring the size of a pathologically deep document would overflow the stack.
  if (nestsDeeperThan(document, MEMORY_LIMITS.maxDepth)) {
    ctx.addIssue({ code: "custom", message: `Memory nests at most ${MEMORY_LIMITS.maxDepth} levels deep` });
    return;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(document)).length;
  if (bytes > MEMORY_LIMITS.maxBytes) {
    ctx.addIssue({
      code: "custom",
      message: `At most ${MEMORY_LIMITS.maxBytes} bytes of JSON; this is ${bytes}`,
    });
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

export const ThreadMemorySchema = z
  .object({
    version: Counter.openapi({
      description: "Starts at 0 (no memory yet); every change adds one. The ETag is this number.",
    }),
    updated_at: Timestamp.nullable(),
    memory: MemoryDocument,
  })
  .openapi("ThreadMemory");

export const threadMemoryExample: z.input<typeof ThreadMemorySchema> = {
  version: 3,
  updated_at: "2026-11-25T10:00:00.000Z",
  memory: { customer: "Acme", goals: ["reduce churn"], last_report: "q3-churn" },
};

/** A thread's memory as GET /threads/{id}/memory answers it: version 0 and `{}` before the first write. */
export const memoryToWire = (thread: {
  memory: unknown;
  memoryVersion: number;
  memoryUpdatedAt: Date | null;
}): z.infer<typeof ThreadMemorySchema> => ({
  version: thread.memoryVersion,
  updated_at: thread.memoryUpdatedAt?.toISOString() ?? null,
  memory: (thread.memory ?? {}) as Record<string, unknown>,
});

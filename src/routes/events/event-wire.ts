import type { z } from "@hono/zod-openapi";
import type { ThreadEvent as ThreadEventRow } from "../../generated/prisma/client";
import type { ThreadEventSchema } from "./events.schemas";

export type ThreadEvent = z.infer<typeof ThreadEventSchema>;

/** An event as the JSON feed and the live streams send it. */
export const eventToWire = (row: ThreadEventRow): ThreadEvent =>
  // Payloads were written from the same wire schemas; the type is the discriminated union.
  ({
    seq: row.seq,
    thread_id: row.threadId,
    actor: row.actorType && row.actorId ? { type: row.actorType, id: row.actorId } : null,
    created_at: row.createdAt.toISOString(),
    type: row.type,
    // Message events logged before messages had a `state` were all of complete messages.
    data: row.type.startsWith("message.") ? { state: "COMPLETE", ...(row.payload as object) } : row.payload,
  }) as ThreadEvent;

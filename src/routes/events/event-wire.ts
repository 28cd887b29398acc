import type { z } from "@hono/zod-openapi";
import type { ThreadEvent as ThreadEventRow, UserEvent as UserEventRow } from "../../generated/prisma/client";
import type { ThreadEventSchema, UserEventSchema } from "./events.schemas";

export type ThreadEvent = z.infer<typeof ThreadEventSchema>;
export type UserEvent = z.infer<typeof UserEventSchema>;

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

/** A user event: its place in the user's stream, and the thread event it copies. */
export const userEventToWire = (row: UserEventRow): UserEvent => ({
  seq: row.seq,
  event: eventToWire({ ...row, seq: row.threadSeq }),
});

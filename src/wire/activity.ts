import { z } from "@hono/zod-openapi";
import type { Actor } from "../principal";
import { ActorSchema } from "../schemas/actor";
import { Id, Timestamp } from "../schemas/common";

export const STATUS_LIMITS = { text: 100, defaultSeconds: 30, maxSeconds: 120 } as const;

export const ActivityStatusSchema = z
  .object({
    thread_id: z.string().max(64),
    actor: ActorSchema,
    text: z.string().max(STATUS_LIMITS.text),
    expires_at: Timestamp,
  })
  .openapi("ActivityStatus", {
    description: "Someone's short-lived status on a thread, like Slack's assistant status. Never logged.",
  });

export const activityStatusExample: z.input<typeof ActivityStatusSchema> = {
  thread_id: "cmif7vj3k0000thr000000001",
  actor: { type: "api_key", id: "cmif7vj3k0000key000000001" },
  text: "thinking…",
  expires_at: "2026-11-25T10:00:30.000Z",
};

export const ActivityChangeSchema = z
  .object({
    thread_id: Id,
    actor: ActorSchema,
    text: z.string().max(100).nullable().openapi({ description: "The status; null: cleared or expired." }),
    expires_at: Timestamp.nullable(),
  })
  .openapi("ActivityChange", {
    description:
      "Someone's status on the thread was set, cleared or expired (PUT /threads/{id}/activity). Not in the log: no `id`.",
  });

/** A short-lived status of someone on a thread ("thinking…"): kept by the thread's hub only, never logged. */
export interface ActivityStatus {
  actor: Actor;
  text: string;
  expiresAt: number;
}

export const activityStatusToWire = (
  threadId: string,
  status: ActivityStatus,
): z.infer<typeof ActivityStatusSchema> => ({
  thread_id: threadId,
  actor: status.actor,
  text: status.text,
  expires_at: new Date(status.expiresAt).toISOString(),
});

/** A status set (with its expiry) or cleared (null), as live streams show it. */
export const activityChange = (
  threadId: string,
  actor: Actor,
  text: string | null,
  expiresAt: number | null,
): z.infer<typeof ActivityChangeSchema> => ({
  thread_id: threadId,
  actor,
  text,
  expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
});

import { z } from "@hono/zod-openapi";
import type { ThreadEvent as ThreadEventRow, UserEvent as UserEventRow } from "../generated/prisma/client";
import type { Actor } from "../principal";
import { ActorSchema } from "../schemas/actor";
import { Counter, Id, Timestamp } from "../schemas/common";
import { ArtifactSchema } from "./artifacts";
import { InteractionSchema } from "./interactions";
import { ThreadMemorySchema } from "./memory";
import { MessageSnapshotSchema } from "./messages";
import { ReactionChangeSchema } from "./reactions";
import { type ReadState, ReadStateSchema } from "./read-state";
import { ReplyRequestSchema } from "./reply-requests";
import { ThreadAgentSchema } from "./thread-agents";
import { ThreadSnapshotSchema } from "./threads";

/**
 * The event catalogue: every kind of change to a thread, the wire object its `data` carries (what the REST API
 * returns for the changed object), its component name and description. The one list: the log's `EventType`, each
 * payload's type and the spec's ThreadEvent union all come from it. `toOwner`: a copy of the event also goes to
 * the thread owner's user stream (GET /events).
 */
const CATALOGUE = {
  "thread.created": {
    data: ThreadSnapshotSchema,
    name: "ThreadCreatedEvent",
    description: "The thread was created; `data` is the new thread.",
    toOwner: true,
  },
  "thread.updated": {
    data: ThreadSnapshotSchema,
    name: "ThreadUpdatedEvent",
    description: "Title, status or metadata changed; `data` is the thread.",
    toOwner: true,
  },
  "message.created": {
    data: MessageSnapshotSchema,
    name: "MessageCreatedEvent",
    description: "A message was posted.",
    toOwner: true,
  },
  "message.updated": {
    data: MessageSnapshotSchema,
    name: "MessageUpdatedEvent",
    description:
      "A message was edited, or a streamed message was completed or timed out (its `state`, with the whole text).",
    toOwner: false,
  },
  "message.deleted": {
    data: MessageSnapshotSchema,
    name: "MessageDeletedEvent",
    description: "A message became a tombstone.",
    toOwner: false,
  },
  "message.reply_requested": {
    data: ReplyRequestSchema,
    name: "MessageReplyRequestedEvent",
    description:
      'Someone asked for a new reply to a message (a chat\'s "regenerate"); agents answer with a new message, the previous reply stays.',
    toOwner: false,
  },
  "reaction.added": {
    data: ReactionChangeSchema,
    name: "ReactionAddedEvent",
    description: "Someone reacted to a message.",
    toOwner: false,
  },
  "reaction.removed": {
    data: ReactionChangeSchema,
    name: "ReactionRemovedEvent",
    description: "Someone took a reaction back.",
    toOwner: false,
  },
  "memory.updated": {
    data: ThreadMemorySchema,
    name: "MemoryUpdatedEvent",
    description: "The memory document changed; `data` is all of it.",
    toOwner: false,
  },
  "artifact.created": {
    data: ArtifactSchema,
    name: "ArtifactCreatedEvent",
    description: "An artifact was published (version 1).",
    toOwner: false,
  },
  "artifact.updated": {
    data: ArtifactSchema,
    name: "ArtifactUpdatedEvent",
    description: "An artifact got a new version (an update or a restore).",
    toOwner: false,
  },
  "artifact.deleted": {
    data: ArtifactSchema,
    name: "ArtifactDeletedEvent",
    description: "An artifact was deleted; `data` is what it was.",
    toOwner: false,
  },
  "interaction.created": {
    data: InteractionSchema,
    name: "InteractionCreatedEvent",
    description: "Someone acted on a message's blocks or submitted its form.",
    toOwner: false,
  },
  "thread.agent_added": {
    data: ThreadAgentSchema,
    name: "ThreadAgentAddedEvent",
    description: "A member-only API key was added to the thread: from now on it reaches it.",
    toOwner: false,
  },
  "thread.agent_removed": {
    data: ThreadAgentSchema,
    name: "ThreadAgentRemovedEvent",
    description:
      "An API key was removed from the thread: it reaches it no more, and its live streams of the thread end after this event (a `reset` with reason `access_removed`).",
    toOwner: false,
  },
} as const;

type Catalogue = typeof CATALOGUE;
/** A kind of change to a thread. */
export type EventType = keyof Catalogue;
/** What an event of this type carries as `data`, as written to the log. */
export type EventPayload<T extends EventType> = z.input<Catalogue[T]["data"]>;

export const EVENT_TYPES = Object.keys(CATALOGUE) as EventType[];
/** What an event of this type means, as the catalogue says it. */
export const describeEvent = (type: EventType): string => CATALOGUE[type].description;
/** The type of a user's own read-mark event (its user stream only). */
export const THREAD_READ = "thread.read";

/** The events copied to the thread owner's user stream. */
export const OWNER_EVENT_TYPES = EVENT_TYPES.filter((type) => CATALOGUE[type].toOwner);

const eventFields = {
  seq: Counter.openapi({ description: "Position in the thread's log: strictly increasing, no gaps.", example: 7 }),
  thread_id: Id,
  actor: ActorSchema.nullable().openapi({ description: "Who made the change." }),
  created_at: Timestamp,
};

const eventSchema = <T extends EventType>(type: T) =>
  z
    .object({ ...eventFields, type: z.literal(type), data: CATALOGUE[type].data as Catalogue[T]["data"] })
    .openapi(CATALOGUE[type].name, { description: CATALOGUE[type].description });

/** One object schema per type (distributed over the union, so `data` stays tied to its `type`). */
type EventSchema<T extends EventType = EventType> = T extends EventType ? ReturnType<typeof eventSchema<T>> : never;

/** Each event type's own schema (ThreadCreatedEvent, …), made once: the union below and the webhooks' payloads use them. */
export const EVENT_SCHEMAS = EVENT_TYPES.map((type) => eventSchema(type)) as [EventSchema, ...EventSchema[]];

export const ThreadEventSchema = z.discriminatedUnion("type", EVENT_SCHEMAS).openapi("ThreadEvent", {
  description:
    "One change to a thread (its messages, reactions, memory, artifacts or agents). Message events carry the message without `reactions` (those depend on who asks; follow `reaction.*` events); deleting a message also removes its reactions without separate events.",
});

/** A user's own event (never in a thread's log): they moved their read mark, so their other devices update. */
export const ThreadReadEventSchema = z
  .object({
    ...eventFields,
    seq: Counter.openapi({ description: "The new read mark: the thread's `seq` read up to.", example: 7 }),
    type: z.literal("thread.read"),
    data: ReadStateSchema,
  })
  .openapi("ThreadReadEvent", {
    description:
      "You moved your read mark in a thread (PUT /threads/{id}/read), on this device or another: `data` is your read state. Only your own user stream carries it.",
  });

export const UserEventSchema = z
  .object({
    seq: Counter.openapi({ description: "Position in your user stream: strictly increasing, no gaps.", example: 12 }),
    event: z.union([ThreadEventSchema, ThreadReadEventSchema]),
    mentioned: z.boolean().openapi({
      description: "True when `event` is a `message.created` whose message mentions you.",
      example: false,
    }),
  })
  .openapi("UserEvent", {
    description:
      "Something in one of your threads, as your user stream (GET /events) carries it: `event` is the thread's own event (with the thread's `seq`) — `thread.created`, `thread.updated` (renamed, archived, restored, metadata) or `message.created` — or your own `thread.read` (you moved your read mark), and `seq` its place in your stream. A new message that mentions you reaches your stream as `message.created` with `mentioned: true`, in your own threads and in any other you can see (as an admin).",
  });

export type ThreadEvent = z.infer<typeof ThreadEventSchema>;
export type UserEvent = z.infer<typeof UserEventSchema>;
export type ThreadReadEvent = z.infer<typeof ThreadReadEventSchema>;

/** The events whose `data` is a message. */
const CARRIES_MESSAGE = new Set<string>(EVENT_TYPES.filter((type) => CATALOGUE[type].data === MessageSnapshotSchema));

/** Who made the change, from an event row's columns (written from an Actor). */
const actorOfRow = (row: { actorType: string | null; actorId: string | null }): Actor | null =>
  row.actorType && row.actorId ? { type: row.actorType as Actor["type"], id: row.actorId } : null;

/** An event as the JSON feed and the live streams send it. */
export const eventToWire = (row: ThreadEventRow): ThreadEvent =>
  // Payloads were written from the same wire schemas; the type is the discriminated union.
  ({
    seq: row.seq,
    thread_id: row.threadId,
    actor: actorOfRow(row),
    created_at: row.createdAt.toISOString(),
    type: row.type,
    // Message events logged before messages had a `state` were all of complete messages, and mentioned nobody.
    data: CARRIES_MESSAGE.has(row.type) ? { state: "COMPLETE", mentions: [], ...(row.payload as object) } : row.payload,
  }) as ThreadEvent;

/** A user event: its place in the user's stream, and the thread event it copies (or the user's own `thread.read`). */
export const userEventToWire = (row: UserEventRow): UserEvent => {
  if (row.type !== THREAD_READ) {
    return { seq: row.seq, event: eventToWire({ ...row, seq: row.threadSeq }), mentioned: row.mentioned };
  }
  const event: ThreadReadEvent = {
    seq: row.threadSeq,
    thread_id: row.threadId,
    actor: actorOfRow(row),
    created_at: row.createdAt.toISOString(),
    type: THREAD_READ,
    data: row.payload as ReadState,
  };
  return { seq: row.seq, event, mentioned: false };
};

import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf, wantsEventStream } from "../../auth/access";
import { reachableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { responseMetadata } from "../../http/envelope";
import { Status } from "../../http/status";
import { type LogKind, socketEvents, streamEvents, wantsWebSocket } from "../../realtime/streams";
import { repositories } from "../../repositories";
import { eventToWire, userEventToWire } from "../../wire/events";
import type { listMyEvents, listThreadEvents } from "./events.routes";

export const listThreadEventsHandler: RouteHandler<typeof listThreadEvents, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { after, limit } = c.req.valid("query");
  // Read before the events: its last_seq can only be behind them, never ahead.
  const thread = await reachableThread(c, id);
  const live = await liveStream(c, "thread", id, after, c.req.valid("header")["last-event-id"]);
  if (live) return live;
  const rows = await repositories(c).events.listAfter(id, after, limit);
  assertKept(
    rows,
    after,
    thread.lastSeq,
    "Read the thread and its messages again, then follow its events after its last_event_seq.",
  );
  return c.json({ ...logPage(rows.map(eventToWire), after, limit), metadata: responseMetadata(c) }, Status.OK);
};

export const listMyEventsHandler: RouteHandler<typeof listMyEvents, AppEnv> = async (c) => {
  const { after, limit } = c.req.valid("query");
  const userId = principalOf(c).id;
  const live = await liveStream(c, "user", userId, after, c.req.valid("header")["last-event-id"]);
  if (live) return live;
  const events = repositories(c).userEvents;
  // Read before the events: it can only be behind them, never ahead.
  const lastSeq = (await events.lastSeq(userId)) ?? 0;
  const rows = await events.listAfter(userId, after, limit);
  assertKept(rows, after, lastSeq, "Read your threads again, then follow your stream after the last seq you have.");
  return c.json({ ...logPage(rows.map(userEventToWire), after, limit), metadata: responseMetadata(c) }, Status.OK);
};

/** The live stream, when one is asked for (SSE or WebSocket), from `Last-Event-ID` or else `after`. */
const liveStream = async (
  c: Context<AppEnv>,
  kind: LogKind,
  logId: string,
  after: number,
  lastEventId: string | undefined,
) => {
  const resumeAfter = lastEventId === undefined ? after : Number(lastEventId);
  if (wantsWebSocket(c)) return socketEvents(c, kind, logId, resumeAfter);
  if (wantsEventStream(c)) return streamEvents(c, kind, logId, resumeAfter);
  return null;
};

/** A page of a log's events read after `after` (one more than `limit`, to know whether there is more). */
const logPage = <E extends { seq: number }>(events: E[], after: number, limit: number) => {
  const page = events.slice(0, limit);
  return {
    success: true as const,
    data: page,
    pagination: { limit, has_more: events.length > limit, next_after: page.at(-1)?.seq ?? after },
  };
};

/** A log read after `after` must start at `after + 1` (when it has anything after it): else those events expired. */
const assertKept = (rows: { seq: number }[], after: number, lastSeq: number, whatToDo: string) => {
  const first = rows[0];
  if ((first && first.seq !== after + 1) || (!first && lastSeq > after)) {
    throw new ApiError(
      "event-log-truncated",
      `Events after ${after} are no longer kept${first ? `; the oldest kept is ${first.seq}` : ""}. ${whatToDo}`,
    );
  }
};

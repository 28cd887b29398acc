import { DurableObject } from "cloudflare:workers";
import type { Actor } from "../auth/principal";
import type { Bindings } from "../env";
import { getDb } from "../repositories/db";
import { eventsRepository } from "../repositories/events.repository";
import { eventToWire } from "../routes/events/event-wire";
import { commentFrame, eventFrame, retryFrame } from "./sse-frames";
import { MAX_QUEUED_BYTES, MAX_STREAM_AGE_MS, RETRY_MS, streamConfig } from "./stream-config";

/** What the worker asks of the hub when a client opens a stream (after checking its access). */
export interface SubscribeRequest {
  threadId: string;
  /** The last seq the client has: it gets every event after it, then live ones. */
  after: number;
  /** Who watches (`user:<id>` / `api_key:<id>`), for the per-holder limit. */
  holder: string;
}

/** Why a subscription was refused: the worker turns it into a problem. */
export type SubscribeRefusal = { refused: "thread" | "holder"; limit: number };

/** Why the hub ends a stream with a `reset` event: the client must refetch before following again. */
export type ResetReason = "behind" | "thread_deleted";

/** A short-lived status of someone on the thread ("thinking…"): kept by the hub only, never logged. */
export interface ActivityStatus {
  actor: Actor;
  text: string;
  expiresAt: number;
}

/** The `status` frame: `text` null when it was cleared or expired. */
const statusFrame = (threadId: string, actor: Actor, text: string | null, expiresAt: number | null) =>
  eventFrame(null, "activity", {
    thread_id: threadId,
    actor,
    text,
    expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
  });

const actorKey = (actor: Actor) => `${actor.type}:${actor.id}`;

interface Watcher {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  /** The last seq sent: the next frame it gets is lastSeq + 1, never another. */
  lastSeq: number;
  holder: string;
  openedAt: number;
}

/** Events read from the log per query while delivering. */
const READ_BATCH = 200;

/**
 * One instance per thread (`idFromName(threadId)`): holds the thread's live SSE streams and sends
 * each one the thread's event log, in order, exactly once.
 *
 * Writes poke the hub (`poke`) after their D1 batch succeeded, but the hub never trusts a poke for
 * content: it reads the log from the lowest seq any watcher has, and hands a watcher an event only
 * if it is the very next seq that watcher needs. So a watcher that joins mid-delivery, or a poke
 * that is lost or late, can delay an event but never skip or repeat one. Every heartbeat also reads
 * the log, which bounds the delay of a lost poke. Writes to a watcher are never awaited: a client
 * that stops reading fills its own queue and is dropped, without holding up the others.
 */
export class ThreadHub extends DurableObject<Bindings> {
  private readonly watchers = new Set<Watcher>();
  /** Live statuses by actor (`user:<id>` / `api_key:<id>`). */
  private readonly statuses = new Map<string, ActivityStatus>();
  private threadId: string | null = null;
  private delivering: Promise<void> | null = null;
  private deliverAgain = false;

  /** A new SSE stream of the thread's events after `after`, or why it is refused. */
  async subscribe(request: SubscribeRequest): Promise<ReadableStream<Uint8Array> | SubscribeRefusal> {
    const config = streamConfig(this.env);
    if (this.watchers.size >= config.maxPerThread) return { refused: "thread", limit: config.maxPerThread };
    const held = [...this.watchers].filter((watcher) => watcher.holder === request.holder).length;
    if (held >= config.maxPerHolder) return { refused: "holder", limit: config.maxPerHolder };

    this.threadId = request.threadId;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
      undefined,
      new ByteLengthQueuingStrategy({ highWaterMark: MAX_QUEUED_BYTES }),
    );
    const watcher: Watcher = {
      writer: writable.getWriter(),
      lastSeq: request.after,
      holder: request.holder,
      openedAt: Date.now(),
    };
    this.send(watcher, retryFrame(RETRY_MS));
    const behind = await this.isBehindLog(request.threadId, request.after);
    if (behind !== null) {
      this.reset(watcher, behind);
      return readable;
    }
    this.watchers.add(watcher);
    // The client went away: its stream was cancelled.
    watcher.writer.closed.catch(() => this.watchers.delete(watcher));
    await this.scheduleAlarm();
    this.deliver();
    // Who is busy right now, so a late joiner shows it too.
    for (const status of this.liveStatuses()) {
      this.send(watcher, statusFrame(request.threadId, status.actor, status.text, status.expiresAt));
    }
    return readable;
  }

  /** A write to the thread committed: send watchers what is new in the log. */
  async poke(threadId: string): Promise<void> {
    this.threadId ??= threadId;
    if (this.watchers.size > 0) await this.deliver();
  }

  /** Sets `actor`'s status for `seconds`, and shows it to every watcher now. */
  async setStatus(threadId: string, actor: Actor, text: string, seconds: number): Promise<ActivityStatus> {
    this.threadId ??= threadId;
    const status = { actor, text, expiresAt: Date.now() + seconds * 1000 };
    this.statuses.set(actorKey(actor), status);
    this.broadcast(statusFrame(threadId, actor, text, status.expiresAt));
    await this.scheduleAlarm();
    return status;
  }

  /** Clears `actor`'s status, if any, and shows that to every watcher. */
  async clearStatus(threadId: string, actor: Actor): Promise<void> {
    if (this.statuses.delete(actorKey(actor))) this.broadcast(statusFrame(threadId, actor, null, null));
  }

  /** The statuses that have not expired. */
  async listStatuses(): Promise<ActivityStatus[]> {
    return this.liveStatuses();
  }

  override async alarm(): Promise<void> {
    this.expireStatuses();
    if (this.watchers.size === 0) {
      await this.scheduleAlarm();
      return;
    }
    const now = Date.now();
    const heartbeat = commentFrame("heartbeat");
    for (const watcher of this.watchers) {
      // Clients resume where they were; a revoked session or key is refused on reconnect.
      if (now - watcher.openedAt > MAX_STREAM_AGE_MS) this.close(watcher);
      else this.send(watcher, heartbeat);
    }
    await this.deliver();
    await this.scheduleAlarm();
  }

  /** The next heartbeat while anyone watches, or the next status to expire, whichever is sooner. */
  private async scheduleAlarm() {
    const times = [...this.statuses.values()].map((status) => status.expiresAt);
    if (this.watchers.size > 0) times.push(Date.now() + streamConfig(this.env).heartbeatSeconds * 1000);
    if (times.length === 0) return;
    const next = Math.min(...times);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  private liveStatuses() {
    const now = Date.now();
    return [...this.statuses.values()].filter((status) => status.expiresAt > now);
  }

  /** Statuses past their time are dropped and shown as cleared. */
  private expireStatuses() {
    const now = Date.now();
    for (const [key, status] of this.statuses) {
      if (status.expiresAt > now) continue;
      this.statuses.delete(key);
      if (this.threadId !== null) this.broadcast(statusFrame(this.threadId, status.actor, null, null));
    }
  }

  private broadcast(frame: Uint8Array) {
    for (const watcher of this.watchers) this.send(watcher, frame);
  }

  /**
   * Null when the log still holds every event after `after`; else why the client must refetch
   * (the same rule as the JSON feed's 410).
   */
  private async isBehindLog(threadId: string, after: number): Promise<ResetReason | null> {
    const thread = await this.env.DB.prepare("SELECT last_seq FROM threads WHERE id = ?")
      .bind(threadId)
      .first<{ last_seq: number }>();
    if (!thread) return "thread_deleted";
    if (thread.last_seq <= after) return null;
    const first = await this.env.DB.prepare("SELECT MIN(seq) AS seq FROM thread_events WHERE thread_id = ? AND seq > ?")
      .bind(threadId, after)
      .first<{ seq: number | null }>();
    return first?.seq === after + 1 ? null : "behind";
  }

  /** Runs one delivery at a time; a request during one makes it go round once more. */
  private deliver(): Promise<void> {
    if (this.delivering) {
      this.deliverAgain = true;
      return this.delivering;
    }
    this.delivering = (async () => {
      try {
        do {
          this.deliverAgain = false;
          await this.deliverFromLog();
        } while (this.deliverAgain);
      } catch (error) {
        // D1 unavailable: the next poke or heartbeat tries again; nothing was skipped.
        console.log(JSON.stringify({ level: "error", message: "thread hub delivery failed", error: String(error) }));
      } finally {
        this.delivering = null;
      }
    })();
    return this.delivering;
  }

  private async deliverFromLog() {
    const threadId = this.threadId;
    if (threadId === null) return;
    const events = eventsRepository(getDb(this.env.DB), this.env.DB);
    for (;;) {
      if (this.watchers.size === 0) return;
      const from = Math.min(...[...this.watchers].map((watcher) => watcher.lastSeq));
      const rows = await events.listAfter(threadId, from, READ_BATCH);
      if (rows.length === 0) {
        if ((await this.isBehindLog(threadId, from)) === "thread_deleted") {
          for (const watcher of this.watchers) this.reset(watcher, "thread_deleted");
        }
        return;
      }
      for (const row of rows) {
        const frame = eventFrame(row.seq, row.type, eventToWire(row));
        for (const watcher of this.watchers) {
          if (row.seq !== watcher.lastSeq + 1) continue;
          this.send(watcher, frame);
          watcher.lastSeq = row.seq;
        }
      }
      if (rows.length <= READ_BATCH) return;
    }
  }

  private send(watcher: Watcher, frame: Uint8Array) {
    const queued = watcher.writer.desiredSize;
    if (queued !== null && queued <= 0) {
      // A client that does not read would otherwise hold its queue in memory for ever.
      this.drop(watcher);
      return;
    }
    watcher.writer.write(frame).catch(() => this.watchers.delete(watcher));
  }

  /** Ends a stream with a `reset` event: the client reads the thread again, then follows from its seq. */
  private reset(watcher: Watcher, reason: ResetReason) {
    this.send(watcher, eventFrame(null, "reset", { reason }));
    this.close(watcher);
  }

  private close(watcher: Watcher) {
    this.watchers.delete(watcher);
    watcher.writer.close().catch(() => {});
  }

  private drop(watcher: Watcher) {
    this.watchers.delete(watcher);
    watcher.writer.abort(new Error("the client does not read its stream")).catch(() => {});
  }
}

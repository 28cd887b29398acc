import { DurableObject } from "cloudflare:workers";
import type { Actor } from "../auth/principal";
import type { Bindings } from "../env";
import { getDb } from "../repositories/db";
import { eventsRepository } from "../repositories/events.repository";
import { messagesRepository } from "../repositories/messages.repository";
import { eventToWire } from "../routes/events/event-wire";
import type { MessageDelta } from "../routes/events/events.schemas";
import { messageSnapshot } from "../routes/messages/message-wire";
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

/** One frame of a stream: an event of the log (with its seq as `id`), or `activity` / `reset` (without). */
interface Frame {
  id?: number;
  event: string;
  data: unknown;
}

/** A watcher, whatever carries it: an SSE stream or a WebSocket. */
interface Watcher {
  holder: string;
  /** The last seq sent: the next event it gets is lastSeq + 1, never another. */
  lastSeq: number;
  openedAt: number;
  send: (frame: Frame) => void;
  /** After sending an event: remember where the watcher is. */
  advance: (seq: number) => void;
  /** SSE: a comment, so proxies keep the connection; WebSockets keep theirs with the client's pings. */
  heartbeat: () => void;
  /** Ends the stream; `reset` after a reset frame (WebSockets close with RESET_CLOSE_CODE). */
  close: (why: "reset" | "age") => void;
}

/** What a hibernatable WebSocket keeps across the hub's sleeps (its serialized attachment). */
interface SocketState {
  threadId: string;
  holder: string;
  lastSeq: number;
  openedAt: number;
}

/** WebSocket close code of a `reset` (RFC 6455 leaves 4000–4999 to applications). */
export const RESET_CLOSE_CODE = 4000;
/** A client's ping (text) is answered `pong` by the runtime itself, without waking the hub. */
const PING = "ping";
const PONG = "pong";

/** Events read from the log per query while delivering. */
const READ_BATCH = 200;

const actorKey = (actor: Actor) => `${actor.type}:${actor.id}`;

const deltaFrame = (delta: MessageDelta): Frame => ({ event: "message.delta", data: delta });

const log = (message: string, error: unknown) =>
  console.log(JSON.stringify({ level: "error", message, error: String(error) }));

const activityFrame = (threadId: string, actor: Actor, text: string | null, expiresAt: number | null): Frame => ({
  event: "activity",
  data: { thread_id: threadId, actor, text, expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString() },
});

/** A WebSocket message: the frame as JSON, its `id` a string as in SSE. */
const socketText = ({ id, event, data }: Frame) =>
  JSON.stringify(id === undefined ? { event, data } : { id: String(id), event, data });

/**
 * One instance per thread (`idFromName(threadId)`): holds the thread's live streams — SSE streams
 * and hibernatable WebSockets alike — and sends each one the thread's event log, in order, exactly
 * once.
 *
 * Writes poke the hub (`poke`) after their D1 batch succeeded, but the hub never trusts a poke for
 * content: it reads the log from the lowest seq any watcher has, and hands a watcher an event only
 * if it is the very next seq that watcher needs. So a watcher that joins mid-delivery, or a poke
 * that is lost or late, can delay an event but never skip or repeat one. Every heartbeat also reads
 * the log, which bounds the delay of a lost poke. Writes to an SSE watcher are never awaited: a
 * client that stops reading fills its own queue and is dropped, without holding up the others.
 */
export class ThreadHub extends DurableObject<Bindings> {
  private readonly streams = new Set<Watcher>();
  /** Live statuses by actor (`user:<id>` / `api_key:<id>`). */
  private readonly statuses = new Map<string, ActivityStatus>();
  private threadId: string | null = null;
  private delivering: Promise<void> | null = null;
  private deliverAgain = false;
  /** When the next STREAMING message may time out (the alarm checks D1 then); null: none known. */
  private streamDeadline: number | null = null;
  /** Watchers being sent what is streaming so far, and the deltas broadcast meanwhile (see `started`). */
  private priming = 0;
  private deltasSent = 0;
  private recentDeltas: { n: number; frame: Frame }[] = [];

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A new SSE stream of the thread's events after `after`, or why it is refused. */
  async subscribe(request: SubscribeRequest): Promise<ReadableStream<Uint8Array> | SubscribeRefusal> {
    const refusal = this.refusal(request.holder);
    if (refusal) return refusal;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
      undefined,
      new ByteLengthQueuingStrategy({ highWaterMark: MAX_QUEUED_BYTES }),
    );
    const writer = writable.getWriter();
    const write = (bytes: Uint8Array) => {
      const room = writer.desiredSize;
      if (room !== null && room <= 0) {
        // A client that stops reading gets nothing more: its stream ends after what is queued (at
        // most about MAX_QUEUED_BYTES), so if it reads again it reconnects and resumes with
        // Last-Event-ID; meanwhile it holds no place and no more memory.
        this.streams.delete(watcher);
        writer.close().catch(() => {});
        return;
      }
      writer.write(bytes).catch(() => this.streams.delete(watcher));
    };
    const watcher: Watcher = {
      holder: request.holder,
      lastSeq: request.after,
      openedAt: Date.now(),
      send: (frame) => write(eventFrame(frame.id ?? null, frame.event, frame.data)),
      advance: (seq) => {
        watcher.lastSeq = seq;
      },
      heartbeat: () => write(commentFrame("heartbeat")),
      close: () => {
        this.streams.delete(watcher);
        writer.close().catch(() => {});
      },
    };
    write(retryFrame(RETRY_MS));
    if (await this.join(request.threadId, watcher)) {
      this.streams.add(watcher);
      // The client went away: its stream was cancelled.
      writer.closed.catch(() => this.streams.delete(watcher));
      await this.started(request.threadId, watcher);
    }
    return readable;
  }

  /** A WebSocket upgrade, forwarded by the worker with the same fields as `subscribe` in headers. */
  override async fetch(request: Request): Promise<Response> {
    const subscription: SubscribeRequest = {
      threadId: request.headers.get("X-Thread-Id") ?? "",
      after: Number(request.headers.get("X-After") ?? 0),
      holder: request.headers.get("X-Holder") ?? "",
    };
    const refusal = this.refusal(subscription.holder);
    if (refusal) return Response.json(refusal, { status: 429 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [subscription.holder]);
    const state: SocketState = { ...subscription, lastSeq: subscription.after, openedAt: Date.now() };
    server.serializeAttachment(state);
    const watcher = this.socketWatcher(server);
    if (await this.join(subscription.threadId, watcher)) await this.started(subscription.threadId, watcher);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A write to the thread committed: send watchers what is new in the log. */
  async poke(threadId: string): Promise<void> {
    this.threadId ??= threadId;
    if (this.watchers().length > 0) await this.deliver();
  }

  /**
   * A streamed message started (`delta` null) or grew by `delta`, stored in D1 already: its text
   * goes to every watcher now (after the log up to `seq`, the message's creation), and the hub
   * will time the message out if its author goes quiet.
   */
  async streamed(threadId: string, seq: number, delta: MessageDelta | null): Promise<void> {
    await this.adopt(threadId);
    if (this.streamDeadline === null) {
      this.streamDeadline = Date.now() + streamConfig(this.env).messageIdleSeconds * 1000;
      await this.scheduleAlarm();
    }
    if (delta === null) return;
    // A delta never reaches a watcher before the message it belongs to.
    if (this.watchers().some((watcher) => watcher.lastSeq < seq)) await this.deliver();
    const frame = deltaFrame(delta);
    this.deltasSent += 1;
    if (this.priming > 0) this.recentDeltas.push({ n: this.deltasSent, frame });
    this.broadcast(frame);
  }

  /** Sets `actor`'s status for `seconds`, and shows it to every watcher now. */
  async setStatus(threadId: string, actor: Actor, text: string, seconds: number): Promise<ActivityStatus> {
    this.threadId ??= threadId;
    const status = { actor, text, expiresAt: Date.now() + seconds * 1000 };
    this.statuses.set(actorKey(actor), status);
    this.broadcast(activityFrame(threadId, actor, text, status.expiresAt));
    await this.scheduleAlarm();
    return status;
  }

  /** Clears `actor`'s status, if any, and shows that to every watcher. */
  async clearStatus(threadId: string, actor: Actor): Promise<void> {
    if (this.statuses.delete(actorKey(actor))) this.broadcast(activityFrame(threadId, actor, null, null));
  }

  /** The statuses that have not expired. */
  async listStatuses(): Promise<ActivityStatus[]> {
    return this.liveStatuses();
  }

  override async alarm(): Promise<void> {
    this.threadId ??= (await this.ctx.storage.get<string>("threadId")) ?? null;
    this.expireStatuses();
    await this.expireStreams();
    const now = Date.now();
    // Clients resume where they were; a revoked session or key is refused on reconnect.
    for (const watcher of this.watchers()) {
      if (now - watcher.openedAt > MAX_STREAM_AGE_MS) watcher.close("age");
      else watcher.heartbeat();
    }
    await this.deliver();
    await this.scheduleAlarm();
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Pings are answered without waking the hub; anything else a client sends is a mistake.
    if (message !== PING) ws.close(1003, "This stream only sends; send `ping` to keep it alive.");
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      // Completes the closing handshake (1005: the client sent no code).
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  private refusal(holder: string): SubscribeRefusal | null {
    const config = streamConfig(this.env);
    const watchers = this.watchers();
    if (watchers.length >= config.maxPerThread) return { refused: "thread", limit: config.maxPerThread };
    const held = watchers.filter((watcher) => watcher.holder === holder).length;
    return held >= config.maxPerHolder ? { refused: "holder", limit: config.maxPerHolder } : null;
  }

  /** Remembers which thread this hub serves, also for alarms after it slept. */
  private async adopt(threadId: string) {
    if (this.threadId !== null) return;
    this.threadId = threadId;
    await this.ctx.storage.put("threadId", threadId);
  }

  /** False (and the watcher reset) when the log no longer holds what it asks for. */
  private async join(threadId: string, watcher: Watcher): Promise<boolean> {
    await this.adopt(threadId);
    const behind = await this.isBehindLog(threadId, watcher.lastSeq);
    if (behind === null) return true;
    this.reset(watcher, behind);
    return false;
  }

  /**
   * A watcher has joined: catch it up, send it the text of each message still streaming (whole, at
   * offset 0), and show it who is busy right now. Deltas broadcast while the text is read from D1
   * may be missing from it: they are sent again after it (a client ignores what it already has).
   */
  private async started(threadId: string, watcher: Watcher) {
    await this.scheduleAlarm();
    const mark = this.deltasSent;
    this.priming += 1;
    try {
      await this.deliver();
      for (const message of await messagesRepository(getDb(this.env.DB), this.env.DB).streaming(threadId)) {
        watcher.send(deltaFrame({ thread_id: threadId, message_id: message.id, offset: 0, text: message.text }));
      }
      for (const { n, frame } of this.recentDeltas) if (n > mark) watcher.send(frame);
    } catch (error) {
      // The message.updated event that ends each stream still brings the whole text.
      log("thread hub could not send streaming messages", error);
    } finally {
      this.priming -= 1;
      if (this.priming === 0) this.recentDeltas = [];
    }
    for (const status of this.liveStatuses()) {
      watcher.send(activityFrame(threadId, status.actor, status.text, status.expiresAt));
    }
  }

  /** Every watcher: SSE streams (in memory) and WebSockets (which survive the hub's sleep). */
  private watchers(): Watcher[] {
    return [...this.streams, ...this.sockets()];
  }

  private sockets(): Watcher[] {
    return this.ctx.getWebSockets().map((ws) => this.socketWatcher(ws));
  }

  private socketWatcher(ws: WebSocket): Watcher {
    const state = ws.deserializeAttachment() as SocketState;
    return {
      holder: state.holder,
      lastSeq: state.lastSeq,
      openedAt: state.openedAt,
      send: (frame) => {
        try {
          ws.send(socketText(frame));
        } catch {
          // Closing or closed: webSocketClose tidies up.
        }
      },
      advance(seq) {
        this.lastSeq = seq;
        ws.serializeAttachment({ ...state, lastSeq: seq });
      },
      heartbeat: () => {},
      close: (why) => {
        try {
          if (why === "reset") ws.close(RESET_CLOSE_CODE, "reset");
          else ws.close(1000, "Open an hour: reconnect with ?after=<the last id>.");
        } catch {
          // Already closed.
        }
      },
    };
  }

  /**
   * Streamed messages whose author sent nothing for MESSAGE_STREAM_IDLE_SECONDS become INCOMPLETE
   * (logged as message.updated, by nobody); the next deadline is kept for the alarm.
   */
  private async expireStreams() {
    const threadId = this.threadId;
    if (threadId === null) return;
    const idleMs = streamConfig(this.env).messageIdleSeconds * 1000;
    const messages = messagesRepository(getDb(this.env.DB), this.env.DB);
    try {
      const now = new Date();
      const idleSince = new Date(now.getTime() - idleMs);
      let next: number | null = null;
      for (const streaming of await messages.streaming(threadId)) {
        const updatedAt = Date.parse(streaming.updated_at);
        if (updatedAt > idleSince.getTime()) {
          next = Math.min(next ?? Number.POSITIVE_INFINITY, updatedAt + idleMs);
          continue;
        }
        const row = await messages.findInThread(threadId, streaming.id);
        if (!row) continue;
        const payload = messageSnapshot({ ...row, state: "INCOMPLETE", streamedLength: 0, updatedAt: now });
        const ended = await messages.endStream(
          { threadId, type: "message.updated", actor: null, payload, now },
          streaming.id,
          { state: "INCOMPLETE", idleSince },
        );
        // A delta came in meanwhile: look again one idle period from now.
        if (!ended) next = Math.min(next ?? Number.POSITIVE_INFINITY, now.getTime() + idleMs);
      }
      this.streamDeadline = next;
    } catch (error) {
      // D1 unavailable: try again at the next alarm.
      this.streamDeadline = Date.now() + idleMs;
      log("thread hub could not time out streamed messages", error);
    }
  }

  /** The next heartbeat while anyone watches, the next status to expire or the next stream to time out. */
  private async scheduleAlarm() {
    const times = [...this.statuses.values()].map((status) => status.expiresAt);
    if (this.streamDeadline !== null) times.push(this.streamDeadline);
    if (this.watchers().length > 0) times.push(Date.now() + streamConfig(this.env).heartbeatSeconds * 1000);
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
      if (this.threadId !== null) this.broadcast(activityFrame(this.threadId, status.actor, null, null));
    }
  }

  private broadcast(frame: Frame) {
    for (const watcher of this.watchers()) watcher.send(frame);
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
        log("thread hub delivery failed", error);
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
      const watchers = this.watchers();
      if (watchers.length === 0) return;
      const from = Math.min(...watchers.map((watcher) => watcher.lastSeq));
      const rows = await events.listAfter(threadId, from, READ_BATCH);
      if (rows.length === 0) {
        if ((await this.isBehindLog(threadId, from)) === "thread_deleted") {
          for (const watcher of watchers) this.reset(watcher, "thread_deleted");
        }
        return;
      }
      for (const row of rows) {
        const frame: Frame = { id: row.seq, event: row.type, data: eventToWire(row) };
        for (const watcher of watchers) {
          if (row.seq !== watcher.lastSeq + 1) continue;
          watcher.send(frame);
          watcher.advance(row.seq);
        }
      }
      if (rows.length <= READ_BATCH) return;
    }
  }

  /** Ends a stream with a `reset` event: the client reads the thread again, then follows from its seq. */
  private reset(watcher: Watcher, reason: ResetReason) {
    watcher.send({ event: "reset", data: { reason } });
    watcher.close("reset");
  }
}

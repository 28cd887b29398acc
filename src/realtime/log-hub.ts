import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { commentFrame, eventFrame, retryFrame } from "./sse-frames";
import { MAX_QUEUED_BYTES, MAX_STREAM_AGE_MS, RETRY_MS, streamConfig } from "./stream-config";

/** What the worker asks of a hub when a client opens a stream (after checking its access). */
export interface SubscribeRequest {
  /** Whose log: the thread's id (ThreadHub) or the user's (UserHub). */
  logId: string;
  /** The last seq the client has: it gets every event after it, then live ones. */
  after: number;
  /** Who watches (`user:<id>` / `api_key:<id>`), for the per-holder limit. */
  holder: string;
  /** The request that opened the stream: the hub's log lines about it carry it. */
  requestId: string;
}

/** Why a subscription was refused: the worker turns it into a problem. */
export type SubscribeRefusal = { refused: "stream" | "holder"; limit: number };

/** Why a hub ends a stream with a `reset` event: the client must refetch before following again. */
export type ResetReason = "behind" | "thread_deleted";

/** One frame of a stream: an event of the log (with its seq as `id`), or one without (`activity`, `reset`…). */
export interface Frame {
  id?: number;
  event: string;
  data: unknown;
}

/** A watcher, whatever carries it: an SSE stream or a WebSocket. */
export interface Watcher {
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
  logId: string;
  holder: string;
  requestId: string;
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

/** A WebSocket message: the frame as JSON, its `id` a string as in SSE. */
const socketText = ({ id, event, data }: Frame) =>
  JSON.stringify(id === undefined ? { event, data } : { id: String(id), event, data });

/**
 * A Durable Object that holds the live streams of one gapless event log — SSE streams and
 * hibernatable WebSockets alike — and sends each one the log, in order, exactly once. ThreadHub
 * serves a thread's log, UserHub a user's; they say how to read their log.
 *
 * Writes poke the hub (`poke`) after their D1 batch succeeded, but the hub never trusts a poke for
 * content: it reads the log from the lowest seq any watcher has, and hands a watcher an event only
 * if it is the very next seq that watcher needs. So a watcher that joins mid-delivery, or a poke
 * that is lost or late, can delay an event but never skip or repeat one. Every heartbeat also reads
 * the log, which bounds the delay of a lost poke. Writes to an SSE watcher are never awaited: a
 * client that stops reading fills its own queue and is dropped, without holding up the others.
 */
export abstract class LogHub extends DurableObject<Bindings> {
  private readonly streams = new Set<Watcher>();
  protected logId: string | null = null;
  private delivering: Promise<void> | null = null;
  private deliverAgain = false;

  /** The log's events after `after`, oldest first, as frames with their seq as `id`: at most `limit` + 1. */
  protected abstract readAfter(logId: string, after: number, limit: number): Promise<Frame[]>;

  /** Null when the log still holds every event after `after`; else why the client must refetch. */
  protected abstract behindLog(logId: string, after: number): Promise<ResetReason | null>;

  /** How many live streams this log serves, all watchers together. */
  protected abstract maxWatchers(): number;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A new SSE stream of the log's events after `after`, or why it is refused. */
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
        ended("slow");
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
      close: (why) => {
        this.streams.delete(watcher);
        writer.close().catch(() => {});
        ended(why);
      },
    };
    const opened = { request_id: request.requestId, transport: "sse", holder: request.holder };
    let endedWhy: string | undefined;
    const ended = (why: string) => {
      if (endedWhy !== undefined) return;
      endedWhy = why;
      this.log("info", "stream ended", { ...opened, why, last_seq: watcher.lastSeq });
    };
    write(retryFrame(RETRY_MS));
    if (await this.join(request.logId, watcher)) {
      this.streams.add(watcher);
      this.log("info", "stream opened", { ...opened, after: request.after });
      // The client went away: its stream was cancelled.
      writer.closed.then(
        () => ended("closed"),
        () => {
          this.streams.delete(watcher);
          ended("client");
        },
      );
      await this.started(watcher);
    }
    return readable;
  }

  /** A WebSocket upgrade, forwarded by the worker with the same fields as `subscribe` in headers. */
  override async fetch(request: Request): Promise<Response> {
    const subscription: SubscribeRequest = {
      logId: request.headers.get("X-Log-Id") ?? "",
      after: Number(request.headers.get("X-After") ?? 0),
      holder: request.headers.get("X-Holder") ?? "",
      requestId: request.headers.get("X-Request-Id") ?? "",
    };
    const refusal = this.refusal(subscription.holder);
    if (refusal) return Response.json(refusal, { status: 429 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [subscription.holder]);
    const state: SocketState = { ...subscription, lastSeq: subscription.after, openedAt: Date.now() };
    server.serializeAttachment(state);
    const watcher = this.socketWatcher(server);
    if (await this.join(subscription.logId, watcher)) {
      this.log("info", "stream opened", {
        request_id: subscription.requestId,
        transport: "websocket",
        holder: subscription.holder,
        after: subscription.after,
      });
      await this.started(watcher);
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** For GET /health: the hub answers, so Durable Objects are up. */
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /**
   * One JSON line, like the worker's request logs: which hub and log, and (for a stream) the
   * `request_id` of the request that opened it, so a stream's lines join its request's.
   */
  protected log(level: "info" | "error", message: string, fields: Record<string, unknown> = {}) {
    console.log(
      JSON.stringify({
        level,
        message,
        hub: this.constructor.name,
        log_id: this.logId,
        ...fields,
        time: new Date().toISOString(),
      }),
    );
  }

  protected logError(message: string, error: unknown) {
    this.log("error", message, { error: String(error) });
  }

  /** A write to the log committed: send watchers what is new in it. */
  async poke(logId: string): Promise<void> {
    this.logId ??= logId;
    if (this.watchers().length > 0) await this.deliver();
  }

  override async alarm(): Promise<void> {
    this.logId ??= (await this.ctx.storage.get<string>("logId")) ?? null;
    await this.onAlarm();
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
    const state = ws.deserializeAttachment() as SocketState;
    this.log("info", "stream ended", {
      request_id: state.requestId,
      transport: "websocket",
      holder: state.holder,
      why: `close ${code}`,
      last_seq: state.lastSeq,
    });
    try {
      // Completes the closing handshake (1005: the client sent no code).
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  /** Work of the hub's own at each alarm, before the heartbeats and the log's delivery. */
  protected async onAlarm(): Promise<void> {}

  /** Times (ms) the hub's own work needs an alarm at, besides the heartbeats. */
  protected alarmTimes(): number[] {
    return [];
  }

  /**
   * A watcher has joined: catch it up. Not awaited by the stream's opening, so a long catch-up
   * flows to the client as it is read instead of piling up first.
   */
  protected async welcome(_watcher: Watcher): Promise<void> {
    await this.deliver();
  }

  private refusal(holder: string): SubscribeRefusal | null {
    const config = streamConfig(this.env);
    const watchers = this.watchers();
    const most = this.maxWatchers();
    if (watchers.length >= most) return { refused: "stream", limit: most };
    const held = watchers.filter((watcher) => watcher.holder === holder).length;
    return held >= config.maxPerHolder ? { refused: "holder", limit: config.maxPerHolder } : null;
  }

  /** Remembers whose log this hub serves, also for alarms after it slept. */
  protected async adopt(logId: string) {
    if (this.logId !== null) return;
    this.logId = logId;
    await this.ctx.storage.put("logId", logId);
  }

  /** False (and the watcher reset) when the log no longer holds what it asks for. */
  private async join(logId: string, watcher: Watcher): Promise<boolean> {
    await this.adopt(logId);
    const behind = await this.behindLog(logId, watcher.lastSeq);
    if (behind === null) return true;
    this.reset(watcher, behind);
    return false;
  }

  /** A watcher has joined: keep the hub awake for it, and welcome it in the background. */
  private async started(watcher: Watcher) {
    await this.scheduleAlarm();
    this.welcome(watcher).catch((error) => this.logError("hub could not welcome a watcher", error));
  }

  /** Every watcher: SSE streams (in memory) and WebSockets (which survive the hub's sleep). */
  protected watchers(): Watcher[] {
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

  /** The next heartbeat while anyone watches, or the hub's own next work, whichever is sooner. */
  protected async scheduleAlarm() {
    const times = this.alarmTimes();
    if (this.watchers().length > 0) times.push(Date.now() + streamConfig(this.env).heartbeatSeconds * 1000);
    if (times.length === 0) return;
    const next = Math.min(...times);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  protected broadcast(frame: Frame) {
    for (const watcher of this.watchers()) watcher.send(frame);
  }

  /** Runs one delivery at a time; a request during one makes it go round once more. */
  protected deliver(): Promise<void> {
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
        this.logError("hub delivery failed", error);
      } finally {
        this.delivering = null;
      }
    })();
    return this.delivering;
  }

  private async deliverFromLog() {
    const logId = this.logId;
    if (logId === null) return;
    for (;;) {
      const watchers = this.watchers();
      if (watchers.length === 0) return;
      const from = Math.min(...watchers.map((watcher) => watcher.lastSeq));
      const frames = await this.readAfter(logId, from, READ_BATCH);
      if (frames.length === 0) {
        // The log itself is gone (its thread was deleted): nothing more will come.
        const reason = await this.behindLog(logId, from);
        if (reason !== null && reason !== "behind") for (const watcher of watchers) this.reset(watcher, reason);
        return;
      }
      for (const frame of frames) {
        const seq = frame.id ?? 0;
        for (const watcher of watchers) {
          if (seq !== watcher.lastSeq + 1) continue;
          watcher.send(frame);
          watcher.advance(seq);
        }
      }
      if (frames.length <= READ_BATCH) return;
    }
  }

  /** Ends a stream with a `reset` event: the client reads the thread again, then follows from its seq. */
  private reset(watcher: Watcher, reason: ResetReason) {
    watcher.send({ event: "reset", data: { reason } });
    watcher.close("reset");
  }
}

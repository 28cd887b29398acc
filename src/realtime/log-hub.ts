import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { createLogger, errorMessage } from "../logging";
import { acceptSocket, PING, PONG, socketClosed, socketWatcher, subscriptionOf } from "./socket-transport";
import { sseStream } from "./sse-transport";
import { MAX_STREAM_AGE_MS, streamConfig } from "./stream-config";
import type { Frame, ResetReason, SubscribeRefusal, SubscribeRequest, Watcher } from "./watcher";

/** Events read from the log per query while delivering. */
const READ_BATCH = 200;

/**
 * A Durable Object that holds the live streams of one gapless event log — SSE streams and
 * hibernatable WebSockets alike (./sse-transport.ts, ./socket-transport.ts) — and sends each one the
 * log, in order, exactly once. ThreadHub serves a thread's log, UserHub a user's; they say how to read
 * their log.
 *
 * Writes poke the hub (`poke`) after their D1 batch succeeded (./publish.ts), but the hub never trusts
 * a poke for content: it reads the log from the lowest seq any watcher has, and hands a watcher an event
 * only if it is the very next seq that watcher needs. So a watcher that joins mid-delivery, or a poke
 * that is lost or late, can delay an event but never skip or repeat one. Every heartbeat also reads the
 * log, which bounds the delay of a lost poke.
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

  /** One JSON line per event, like the worker's request logs, naming the hub and its log. */
  protected get logger() {
    return createLogger({ hub: this.constructor.name, log_id: this.logId });
  }

  /** A new SSE stream of the log's events after `after`, or why it is refused. */
  async subscribe(request: SubscribeRequest): Promise<ReadableStream<Uint8Array> | SubscribeRefusal> {
    const refusal = this.refusal(request.holder);
    if (refusal) return refusal;
    const stream = sseStream(request, { drop: (watcher) => this.streams.delete(watcher), logger: this.logger });
    if (await this.join(request.logId, stream.watcher)) {
      this.streams.add(stream.watcher);
      stream.joined();
      await this.started(stream.watcher);
    }
    return stream.readable;
  }

  /** A WebSocket upgrade, forwarded by the worker with the subscription in headers. */
  override async fetch(request: Request): Promise<Response> {
    const subscription = subscriptionOf(request);
    const refusal = this.refusal(subscription.holder);
    if (refusal) return Response.json(refusal, { status: 429 });
    const { client, watcher } = acceptSocket(this.ctx, subscription);
    if (await this.join(subscription.logId, watcher)) {
      this.logger.info("stream opened", {
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
    socketClosed(ws, code, this.logger);
  }

  protected logError(message: string, error: unknown) {
    this.logger.error(message, { error: errorMessage(error) });
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
    return [...this.streams, ...this.ctx.getWebSockets().map(socketWatcher)];
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
      let watchers = this.watchers();
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
          if (frame.endsFor === watcher.holder) {
            this.reset(watcher, "access_removed");
            watchers = watchers.filter((other) => other !== watcher);
          }
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

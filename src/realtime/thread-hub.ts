import type { Actor } from "../principal";
import { repositories } from "../repositories";
import { type ActivityStatus, activityChange } from "../wire/activity";
import { eventToWire } from "../wire/events";
import { messageSnapshot } from "../wire/messages";
import type { MessageDelta } from "../wire/stream-frames";
import { LogHub } from "./log-hub";
import { publish } from "./publish";
import { streamConfig } from "./stream-config";
import type { Frame, ResetReason, Watcher } from "./watcher";

const actorKey = (actor: Actor) => `${actor.type}:${actor.id}`;

const activityFrame = (threadId: string, actor: Actor, text: string | null, expiresAt: number | null): Frame => ({
  event: "activity",
  data: activityChange(threadId, actor, text, expiresAt),
});

const deltaFrame = (delta: MessageDelta): Frame => ({ event: "message.delta", data: delta });

/**
 * One instance per thread (`idFromName(threadId)`): the thread's live streams (see LogHub for how
 * the log reaches them), plus what is live but not logged — activity statuses, and the deltas of
 * streamed replies, whose messages it also times out.
 */
export class ThreadHub extends LogHub {
  /** Live statuses by actor (`user:<id>` / `api_key:<id>`). */
  private readonly statuses = new Map<string, ActivityStatus>();
  /** When the next STREAMING message may time out (the alarm checks D1 then); null: none known. */
  private streamDeadline: number | null = null;
  /** Watchers being sent what is streaming so far, and the deltas broadcast meanwhile (see `welcome`). */
  private priming = 0;
  private deltasSent = 0;
  private recentDeltas: { n: number; frame: Frame }[] = [];

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
    this.logId ??= threadId;
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

  protected override async readAfter(threadId: string, after: number, limit: number): Promise<Frame[]> {
    const rows = await repositories({ env: this.env }).events.listAfter(threadId, after, limit);
    return rows.map((row) => {
      const event = eventToWire(row);
      // The key removed from the thread hears of it, and of nothing after it.
      const endsFor = event.type === "thread.agent_removed" ? `api_key:${event.data.api_key_id}` : undefined;
      return { id: row.seq, event: row.type, data: event, ...(endsFor ? { endsFor } : {}) };
    });
  }

  /** The same rule as the JSON feed's 410, and `thread_deleted` once the thread is gone. */
  protected override async behindLog(threadId: string, after: number): Promise<ResetReason | null> {
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

  protected override maxWatchers() {
    return streamConfig(this.env).maxPerThread;
  }

  protected override async onAlarm() {
    this.expireStatuses();
    await this.expireStreams();
  }

  protected override alarmTimes() {
    const times = [...this.statuses.values()].map((status) => status.expiresAt);
    if (this.streamDeadline !== null) times.push(this.streamDeadline);
    return times;
  }

  /**
   * A watcher has joined: catch it up, send it the text of each message still streaming (whole, at
   * offset 0), and show it who is busy right now. Deltas broadcast while the text is read from D1
   * may be missing from it: they are sent again after it (a client ignores what it already has).
   */
  protected override async welcome(watcher: Watcher) {
    const threadId = this.logId;
    if (threadId === null) return;
    const mark = this.deltasSent;
    this.priming += 1;
    try {
      await this.deliver();
      for (const message of await repositories({ env: this.env }).streamedMessages.streaming(threadId)) {
        watcher.send(deltaFrame({ thread_id: threadId, message_id: message.id, offset: 0, text: message.text }));
      }
      for (const { n, frame } of this.recentDeltas) if (n > mark) watcher.send(frame);
    } catch (error) {
      // The message.updated event that ends each stream still brings the whole text.
      this.logError("thread hub could not send streaming messages", error);
    } finally {
      this.priming -= 1;
      if (this.priming === 0) this.recentDeltas = [];
    }
    for (const status of this.liveStatuses()) {
      watcher.send(activityFrame(threadId, status.actor, status.text, status.expiresAt));
    }
  }

  /**
   * Streamed messages whose author sent nothing for MESSAGE_STREAM_IDLE_SECONDS become INCOMPLETE
   * (logged as message.updated, by nobody); the next deadline is kept for the alarm.
   */
  private async expireStreams() {
    const threadId = this.logId;
    if (threadId === null) return;
    const idleMs = streamConfig(this.env).messageIdleSeconds * 1000;
    const { messages, streamedMessages } = repositories({ env: this.env });
    try {
      const now = new Date();
      const idleSince = new Date(now.getTime() - idleMs);
      let next: number | null = null;
      for (const streaming of await streamedMessages.streaming(threadId)) {
        const updatedAt = Date.parse(streaming.updated_at);
        if (updatedAt > idleSince.getTime()) {
          next = Math.min(next ?? Number.POSITIVE_INFINITY, updatedAt + idleMs);
          continue;
        }
        const row = await messages.findInThread(threadId, streaming.id);
        if (!row) continue;
        const payload = messageSnapshot({
          ...row,
          state: "INCOMPLETE",
          incompleteReason: "TIMED_OUT",
          streamedLength: 0,
          updatedAt: now,
        });
        const ended = await streamedMessages.endStream(
          { threadId, type: "message.updated", actor: null, payload, now },
          streaming.id,
          { state: "INCOMPLETE", reason: "TIMED_OUT", idleSince },
        );
        await publish({ env: this.env, waitUntil: (task) => this.ctx.waitUntil(task), logger: this.logger }, ended);
        // A delta came in meanwhile: look again one idle period from now.
        if (!ended) next = Math.min(next ?? Number.POSITIVE_INFINITY, now.getTime() + idleMs);
      }
      this.streamDeadline = next;
    } catch (error) {
      // D1 unavailable: try again at the next alarm.
      this.streamDeadline = Date.now() + idleMs;
      this.logError("thread hub could not time out streamed messages", error);
    }
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
      if (this.logId !== null) this.broadcast(activityFrame(this.logId, status.actor, null, null));
    }
  }
}

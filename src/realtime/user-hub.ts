import { getDb } from "../repositories/db";
import { userEventsRepository } from "../repositories/user-events.repository";
import { userEventToWire } from "../routes/events/event-wire";
import { type Frame, LogHub, type ResetReason } from "./log-hub";
import { streamConfig } from "./stream-config";

/**
 * One instance per user (`idFromName(userId)`): the live streams of the user's own stream (GET
 * /events) — their threads' creations and updates and new messages in them, numbered per user.
 */
export class UserHub extends LogHub {
  protected override async readAfter(userId: string, after: number, limit: number): Promise<Frame[]> {
    const rows = await userEventsRepository(getDb(this.env.DB), this.env.DB).listAfter(userId, after, limit);
    return rows.map((row) => ({ id: row.seq, event: row.type, data: userEventToWire(row) }));
  }

  protected override async behindLog(userId: string, after: number): Promise<ResetReason | null> {
    const events = userEventsRepository(getDb(this.env.DB), this.env.DB);
    const last = await events.lastSeq(userId);
    if (last === null || last <= after) return null;
    const [first] = await events.listAfter(userId, after, 0);
    return first?.seq === after + 1 ? null : "behind";
  }

  /** One user's streams: as many as one holder may open. */
  protected override maxWatchers() {
    return streamConfig(this.env).maxPerHolder;
  }
}

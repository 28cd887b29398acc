import { repositories } from "../repositories";
import { userEventToWire } from "../wire/events";
import { LogHub } from "./log-hub";
import { streamConfig } from "./stream-config";
import type { Frame, ResetReason } from "./watcher";

/**
 * One instance per user (`idFromName(userId)`): the live streams of the user's own stream (GET
 * /events) — their threads' creations and updates and new messages in them, numbered per user.
 */
export class UserHub extends LogHub {
  protected override async readAfter(userId: string, after: number, limit: number): Promise<Frame[]> {
    const rows = await repositories({ env: this.env }).userEvents.listAfter(userId, after, limit);
    return rows.map((row) => ({ id: row.seq, event: row.type, data: userEventToWire(row) }));
  }

  protected override async behindLog(userId: string, after: number): Promise<ResetReason | null> {
    const events = repositories({ env: this.env }).userEvents;
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

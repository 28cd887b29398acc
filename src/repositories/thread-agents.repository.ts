import type { Actor } from "../principal";
import { MAX_AGENTS_PER_THREAD, type ThreadAgent } from "../wire/thread-agents";
import { and, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { type Committed, commitOne } from "./thread-log";

/** What adding or removing an agent logs: who did it, and the membership as the event carries it. */
export interface AgentChange {
  actor: Actor;
  agent: ThreadAgent;
  now: Date;
}

const MEMBERSHIP = "EXISTS (SELECT 1 FROM thread_agents WHERE thread_id = ? AND api_key_id = ?)";

/** Thread members that are API keys (member-only keys reach exactly these threads; see src/auth/reach.ts). */
export const threadAgentsRepository = ({ db, d1 }: Store) => ({
  /** The thread's agents whose keys still work at `now`, with their names, first added first. */
  list: (threadId: string, now: Date) =>
    db.threadAgent.findMany({
      where: { threadId, apiKey: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } },
      include: { apiKey: { select: { name: true } } },
      orderBy: [{ createdAt: "asc" }, { apiKeyId: "asc" }],
      take: MAX_AGENTS_PER_THREAD,
    }),

  find: (threadId: string, apiKeyId: string) =>
    db.threadAgent.findFirst({ where: { threadId, apiKeyId }, include: { apiKey: { select: { name: true } } } }),

  /** The threads a key is in, up to `limit` of them (most recently added first). */
  threadIdsOf: async (apiKeyId: string, limit: number) =>
    (
      await db.threadAgent.findMany({
        where: { apiKeyId },
        select: { threadId: true },
        orderBy: { createdAt: "desc" },
        take: limit,
      })
    ).map((row) => row.threadId),

  /**
   * Adds the key to the thread and logs `thread.agent_added`. Null when nothing was added: it is a member
   * already, the thread has MAX_AGENTS_PER_THREAD agents whose keys still work, or the thread is gone.
   */
  add: ({ actor, agent, now }: AgentChange): Promise<Committed | null> =>
    commitOne(d1, {
      change: {
        threadId: agent.thread_id,
        type: "thread.agent_added",
        actor,
        payload: agent,
        now,
        guard: and(
          sql(`NOT ${MEMBERSHIP}`, agent.thread_id, agent.api_key_id),
          // Revoked and expired keys reach nothing: they neither show nor count.
          sql(
            `(SELECT COUNT(*) FROM thread_agents a JOIN api_keys k ON k.id = a.api_key_id
              WHERE a.thread_id = t.id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)) < ?`,
            sqlDate(now),
            MAX_AGENTS_PER_THREAD,
          ),
        ),
      },
      write: (pending) => [
        d1
          .prepare(
            `INSERT INTO thread_agents (thread_id, api_key_id, added_by_id, created_at)
             SELECT ?, ?, ?, ? WHERE ${pending.sql}`,
          )
          .bind(agent.thread_id, agent.api_key_id, agent.added_by, sqlDate(now), ...pending.params),
      ],
    }),

  /** Removes the key from the thread and logs `thread.agent_removed`; null when it was not a member. */
  remove: ({ actor, agent, now }: AgentChange): Promise<Committed | null> =>
    commitOne(d1, {
      change: {
        threadId: agent.thread_id,
        type: "thread.agent_removed",
        actor,
        payload: agent,
        now,
        guard: sql(MEMBERSHIP, agent.thread_id, agent.api_key_id),
      },
      write: (pending) => [
        d1
          .prepare(`DELETE FROM thread_agents WHERE thread_id = ? AND api_key_id = ? AND ${pending.sql}`)
          .bind(agent.thread_id, agent.api_key_id, ...pending.params),
      ],
    }),
});

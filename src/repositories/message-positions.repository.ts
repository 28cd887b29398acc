import type { Store } from "./db";

export const messagePositionsRepository = ({ d1 }: Store) => ({
  /** The `seq` of each of these messages of the thread, in one query whatever their number (ids not in it are left out). */
  seqsOf: async (threadId: string, ids: string[]): Promise<Map<string, number>> => {
    if (ids.length === 0) return new Map();
    const { results } = await d1
      .prepare("SELECT id, seq FROM messages WHERE thread_id = ? AND id IN (SELECT value FROM json_each(?))")
      .bind(threadId, JSON.stringify(ids))
      .all<{ id: string; seq: number }>();
    return new Map(results.map((row) => [row.id, row.seq]));
  },
});

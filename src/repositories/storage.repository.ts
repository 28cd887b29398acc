import type { Store } from "./db";

/**
 * Which R2 objects rows still need: the bytes of a PENDING or READY file and its preview's thumbnail,
 * or the parts of an unfinished upload.
 */
export const storageRepository = ({ d1 }: Store) => ({
  /** Those of `keys` (one page of a bucket listing) that a row needs; one bound parameter however many. */
  keysInUse: async (keys: string[]) => {
    const { results } = await d1
      .prepare(
        `SELECT k.value AS key FROM json_each(?) k
         WHERE EXISTS (SELECT 1 FROM files f WHERE f.storage_key = k.value AND f.status IN ('PENDING', 'READY'))
            OR EXISTS (SELECT 1 FROM files f WHERE f.preview_key = k.value AND f.status = 'READY')
            OR EXISTS (SELECT 1 FROM uploads u WHERE u.storage_key = k.value AND u.status IN ('OPEN', 'COMPLETING'))`,
      )
      .bind(JSON.stringify(keys))
      .all<{ key: string }>();
    return new Set(results.map((row) => row.key));
  },
});

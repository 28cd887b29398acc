import type { Db } from "./db";

/** A real round trip to D1 through the same client the API uses. */
export const pingDatabase = async (db: Db): Promise<number> => {
  const started = performance.now();
  await db.$queryRaw`SELECT 1`;
  return performance.now() - started;
};

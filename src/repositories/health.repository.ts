import type { Bindings } from "../env";
import type { Db } from "./db";

/** How long a check took, in ms, rounded to hundredths. */
const timed = async (check: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await check();
  return Math.round((performance.now() - started) * 100) / 100;
};

/** A real round trip to D1 through the same client the API uses. */
export const pingDatabase = (db: Db) => timed(() => db.$queryRaw`SELECT 1`);

/** A real round trip to R2: the metadata of a key that never exists (no object is read or written). */
export const pingStorage = (env: Bindings) => timed(() => env.FILES.head("health/ping"));

/** A real round trip to a Durable Object: the live-stream hub set aside for health checks. */
export const pingRealtime = (env: Bindings) =>
  timed(() => env.THREAD_HUB.get(env.THREAD_HUB.idFromName("health-check")).ping());

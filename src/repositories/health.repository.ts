import type { Store } from "./db";

export const healthRepository = ({ db }: Store) => ({
  /** A real round trip to D1 through the same client the API uses. */
  ping: () => db.$queryRaw`SELECT 1`,
});

import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { Status } from "../../http/status";

/**
 * Raw-D1 twins of GET/POST /users for bench/: the same SQL without Prisma, validation or envelope,
 * so the benchmark can report what those layers cost. Mounted only when BENCH_BASELINE is "true"
 * (bench/run.mjs sets it); hidden from the contract.
 */
const USER_COLUMNS = "id, email, name, role, avatar_url, created_at, updated_at";

export const benchBaselineRouter = new Hono<AppEnv>()
  .use("/_bench/*", async (c, next) => (c.env.BENCH_BASELINE === "true" ? next() : c.notFound()))
  .get("/_bench/users", async (c) => {
    const limit = Number(c.req.query("limit") ?? 20);
    const { results } = await c.env.DB.prepare(
      `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
      .bind(limit + 1)
      .all();
    return c.json(results.slice(0, limit), Status.OK);
  })
  .post("/_bench/users", async (c) => {
    const body = await c.req.json<{ email: string; name: string; role?: string }>();
    // Same text format Prisma writes, so both kinds of rows sort together.
    const now = new Date().toISOString().replace("Z", "+00:00");
    const row = await c.env.DB.prepare(
      `INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${USER_COLUMNS}`,
    )
      .bind(crypto.randomUUID().replaceAll("-", ""), body.email.toLowerCase(), body.name, body.role ?? "USER", now, now)
      .first();
    return c.json(row, Status.CREATED);
  });

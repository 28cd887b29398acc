import type { Context } from "hono";
import type { ClientInfo } from "./sessions";

/** What a session records about the client that opened it (Cloudflare sets CF-Connecting-IP). */
export const clientInfo = (c: Context): ClientInfo => ({
  userAgent: c.req.header("User-Agent") ?? null,
  ip: c.req.header("CF-Connecting-IP") ?? null,
});

import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";

/** `metadata` of every success envelope: when, which request, which API version. */
export const responseMetadata = (c: Context<AppEnv>) => ({
  timestamp: new Date().toISOString(),
  correlation_id: c.get("requestId"),
  version: c.env.API_VERSION,
});

export interface PageInfo {
  limit: number;
  has_more: boolean;
  next_cursor: string | null;
}

export const ok = <T, S extends ContentfulStatusCode>(c: Context<AppEnv>, data: T, status: S) =>
  c.json({ success: true as const, data, metadata: responseMetadata(c) }, status);

export const okPage = <T>(c: Context<AppEnv>, data: T[], pagination: PageInfo) =>
  c.json({ success: true as const, data, pagination, metadata: responseMetadata(c) }, 200);

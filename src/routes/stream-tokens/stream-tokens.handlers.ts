import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { issueStreamToken } from "../../auth/stream-tokens";
import type { AppEnv } from "../../env";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { reachableThread } from "../threads/thread-access";
import type { createStreamToken } from "./stream-tokens.routes";

export const createStreamTokenHandler: RouteHandler<typeof createStreamToken, AppEnv> = async (c) => {
  const { thread_id } = c.req.valid("json");
  await reachableThread(c, thread_id);
  const { token, expiresAt } = await issueStreamToken(c, principalOf(c), `thread:${thread_id}`);
  return ok(
    c,
    {
      token,
      expires_at: expiresAt.toISOString(),
      url: `/threads/${thread_id}/events?token=${encodeURIComponent(token)}`,
    },
    Status.OK,
  );
};

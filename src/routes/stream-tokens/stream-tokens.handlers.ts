import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { issueStreamToken, type StreamName } from "../../auth/stream-tokens";
import { reachableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import type { createStreamToken } from "./stream-tokens.routes";

export const createStreamTokenHandler: RouteHandler<typeof createStreamToken, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const principal = principalOf(c);
  let stream: StreamName;
  let path: string;
  if (body.thread_id !== undefined) {
    await reachableThread(c, body.thread_id);
    stream = `thread:${body.thread_id}`;
    path = `/threads/${body.thread_id}/events`;
  } else {
    if (principal.kind !== "user") throw new ApiError("forbidden", "API keys have no user stream; follow threads.");
    stream = "user";
    path = "/events";
  }
  const { token, expiresAt } = await issueStreamToken(c, principal, stream);
  return ok(
    c,
    { token, expires_at: expiresAt.toISOString(), url: `${path}?token=${encodeURIComponent(token)}` },
    Status.OK,
  );
};

import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { assertReachable, callersThreads } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { publishToUser } from "../../realtime/publish";
import { repositories } from "../../repositories";
import type { getMyUnreadCounts, getThreadReadState, markThreadRead } from "./reads.routes";

/** The thread, with its counters, when the caller reaches it. */
const threadOf = async (c: Context<AppEnv>, id: string) =>
  assertReachable(id, await repositories(c).threads.findById(id, callersThreads(c)));

export const markThreadReadHandler: RouteHandler<typeof markThreadRead, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const reader = actorOf(principalOf(c));
  const thread = await threadOf(c, id);
  let seq = body.seq;
  if (body.message_id !== undefined) {
    seq = (await repositories(c).messages.seqOf(id, body.message_id)) ?? undefined;
    if (seq === undefined) {
      throw new ApiError("validation-error", "1 field is not valid.", {
        errors: [
          { path: "body.message_id", message: "No message with this id in the thread", code: "unknown_message" },
        ],
      });
    }
  }
  const { userEvent } = await repositories(c).reads.markRead(id, reader, seq ?? 0, new Date());
  if (userEvent) await publishToUser(c, reader.id);
  return ok(c, await repositories(c).reads.stateOf(thread, reader), Status.OK);
};

export const getThreadReadStateHandler: RouteHandler<typeof getThreadReadState, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return ok(c, await repositories(c).reads.stateOf(await threadOf(c, id), actorOf(principalOf(c))), Status.OK);
};

export const getMyUnreadCountsHandler: RouteHandler<typeof getMyUnreadCounts, AppEnv> = async (c) =>
  ok(c, await repositories(c).reads.totals(callersThreads(c), actorOf(principalOf(c))), Status.OK);

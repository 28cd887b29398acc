import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { actorOf } from "../../auth/principal";
import type { AppEnv } from "../../env";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { threadHubOf } from "../../realtime/streams";
import type { ActivityStatus } from "../../realtime/thread-hub";
import { reachableThread, writableThread } from "../threads/thread-access";
import type { clearActivityStatus, listActivityStatuses, setActivityStatus } from "./activity.routes";

const toWire = (threadId: string, status: ActivityStatus) => ({
  thread_id: threadId,
  actor: status.actor,
  text: status.text,
  expires_at: new Date(status.expiresAt).toISOString(),
});

export const setActivityStatusHandler: RouteHandler<typeof setActivityStatus, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { text, expires_in } = c.req.valid("json");
  await writableThread(c, id);
  const status = await threadHubOf(c, id).setStatus(id, actorOf(principalOf(c)), text, expires_in);
  return ok(c, toWire(id, status), Status.OK);
};

export const clearActivityStatusHandler: RouteHandler<typeof clearActivityStatus, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  await threadHubOf(c, id).clearStatus(id, actorOf(principalOf(c)));
  return c.body(null, Status.NO_CONTENT);
};

export const listActivityStatusesHandler: RouteHandler<typeof listActivityStatuses, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  const statuses = await threadHubOf(c, id).listStatuses();
  return ok(
    c,
    statuses.map((status) => toWire(id, status)),
    Status.OK,
  );
};

import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { reachableThread, writableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { threadHub } from "../../realtime/hubs";
import { activityStatusToWire } from "../../wire/activity";
import type { clearActivityStatus, listActivityStatuses, setActivityStatus } from "./activity.routes";

export const setActivityStatusHandler: RouteHandler<typeof setActivityStatus, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { text, expires_in } = c.req.valid("json");
  await writableThread(c, id);
  const status = await threadHub(c.env, id).setStatus(id, actorOf(principalOf(c)), text, expires_in);
  return ok(c, activityStatusToWire(id, status), Status.OK);
};

export const clearActivityStatusHandler: RouteHandler<typeof clearActivityStatus, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  await threadHub(c.env, id).clearStatus(id, actorOf(principalOf(c)));
  return c.body(null, Status.NO_CONTENT);
};

export const listActivityStatusesHandler: RouteHandler<typeof listActivityStatuses, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  const statuses = await threadHub(c.env, id).listStatuses();
  return ok(
    c,
    statuses.map((status) => activityStatusToWire(id, status)),
    Status.OK,
  );
};

import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { reachableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { repositories } from "../../repositories";
import { scopesOf, WORKSPACE_WIDE } from "../../schemas/api-keys";
import { MAX_AGENTS_PER_THREAD, threadAgentToWire } from "../../wire/thread-agents";
import type { addThreadAgent, listThreadAgents, removeThreadAgent } from "./thread-agents.routes";

const keyNotFound = (id: string) => new ApiError("not-found", `No active API key with id ${id}.`);

export const listThreadAgentsHandler: RouteHandler<typeof listThreadAgents, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  const agents = await repositories(c).threadAgents.list(id, new Date());
  return ok(c, agents.map(threadAgentToWire), Status.OK);
};

export const addThreadAgentHandler: RouteHandler<typeof addThreadAgent, AppEnv> = async (c) => {
  const { id, key_id } = c.req.valid("param");
  const principal = principalOf(c);
  await reachableThread(c, id);
  const now = new Date();
  const key = await repositories(c).apiKeys.findById(key_id);
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) throw keyNotFound(key_id);
  if (scopesOf(key.scopes).includes(WORKSPACE_WIDE)) {
    throw new ApiError(
      "conflict",
      `API key ${key_id} is workspace-wide (${WORKSPACE_WIDE}): it reaches every thread already.`,
    );
  }
  const threadAgents = repositories(c).threadAgents;
  const agent = {
    thread_id: id,
    api_key_id: key_id,
    name: key.name,
    added_by: principal.id,
    added_at: now.toISOString(),
  };
  const added = await threadAgents.add({ actor: actorOf(principal), agent, now });
  await publish(c, added);
  if (added) {
    c.header("Location", `/threads/${id}/agents`);
    return ok(c, agent, Status.CREATED);
  }
  const existing = await threadAgents.find(id, key_id);
  if (existing) return ok(c, threadAgentToWire(existing), Status.OK);
  // Not added and not there: the thread went away meanwhile, or it is full.
  await reachableThread(c, id);
  throw new ApiError("conflict", `A thread has at most ${MAX_AGENTS_PER_THREAD} agents; remove one first.`);
};

export const removeThreadAgentHandler: RouteHandler<typeof removeThreadAgent, AppEnv> = async (c) => {
  const { id, key_id } = c.req.valid("param");
  const principal = principalOf(c);
  await reachableThread(c, id);
  const threadAgents = repositories(c).threadAgents;
  const existing = await threadAgents.find(id, key_id);
  if (existing) {
    const removed = await threadAgents.remove({
      actor: actorOf(principal),
      agent: threadAgentToWire(existing),
      now: new Date(),
    });
    await publish(c, removed);
  }
  return c.body(null, Status.NO_CONTENT);
};

import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { assertReachable, callersThreads, reachableThread, threadNotFound } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch, versionFromIfMatch } from "../../http/etag";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { repositories } from "../../repositories";
import { type Sql, sql } from "../../repositories/d1";
import { MEMORY_LIMITS, memoryToWire, type ThreadMemorySchema } from "../../wire/memory";
import type { getThreadMemory, replaceThreadMemory, updateThreadMemory } from "./memory.routes";

type ThreadMemory = z.infer<typeof ThreadMemorySchema>;

const memoryOf = async (c: Context<AppEnv>, id: string) => {
  const thread = await repositories(c).threads.findMemory(id, null);
  if (!thread) throw threadNotFound(id);
  return thread;
};

const stale = () => new ApiError("precondition-failed", "The memory changed since you read it; fetch it again.");

/** The version If-Match pins a write to: undefined for none or `*`; 412 for what we never issued. */
const pinnedVersion = (ifMatch: string | undefined) => {
  const version = versionFromIfMatch(ifMatch);
  if (version === null) throw new ApiError("precondition-failed", "If-Match is not an ETag this API issued.");
  return version;
};

/** Writes the memory in one guarded batch; null when the guard failed (the caller says why). */
const write = async (
  c: Context<AppEnv>,
  id: string,
  change: { replacement: Prisma.JsonObject } | { patch: Prisma.JsonObject },
  guard: Sql,
) => {
  const event = { threadId: id, type: "memory.updated" as const, actor: actorOf(principalOf(c)), now: new Date() };
  const committed = await repositories(c).threads.writeMemory(event, change, guard);
  await publish(c, committed);
  // The payload was computed by SQL from the stored document: exactly the memory as stored.
  return committed ? (committed.payload as ThreadMemory) : null;
};

const respond = (c: Context<AppEnv>, memory: ThreadMemory) => {
  c.header("ETag", etagFor(memory.version));
  return ok(c, memory, Status.OK);
};

export const getThreadMemoryHandler: RouteHandler<typeof getThreadMemory, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const thread = assertReachable(id, await repositories(c).threads.findMemory(id, callersThreads(c)));
  const etag = etagFor(thread.memoryVersion);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(c, memoryToWire(thread), Status.OK);
};

export const replaceThreadMemoryHandler: RouteHandler<typeof replaceThreadMemory, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const ifMatch = c.req.valid("header")["if-match"];
  const pinned = pinnedVersion(ifMatch);
  await reachableThread(c, id);
  // Without If-Match only the first write (version 0) may go through; `*` overwrites any version.
  const guard =
    pinned !== undefined
      ? sql("t.memory_version = ?", pinned)
      : ifMatch === undefined
        ? sql("t.memory_version = 0")
        : sql("1");
  const memory = await write(c, id, { replacement: c.req.valid("json") as Prisma.JsonObject }, guard);
  if (memory) return respond(c, memory);
  const current = await memoryOf(c, id);
  if (ifMatch === undefined) {
    throw new ApiError(
      "precondition-required",
      `This thread has memory (version ${current.memoryVersion}): send If-Match with its ETag, or * to overwrite it.`,
    );
  }
  throw stale();
};

export const updateThreadMemoryHandler: RouteHandler<typeof updateThreadMemory, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const pinned = pinnedVersion(c.req.valid("header")["if-match"]);
  await reachableThread(c, id);
  // Without If-Match the patch applies to whatever version is stored, atomically: concurrent patches all land.
  const guard = pinned === undefined ? sql("1") : sql("t.memory_version = ?", pinned);
  const memory = await write(c, id, { patch: c.req.valid("json") as Prisma.JsonObject }, guard);
  if (memory) return respond(c, memory);
  const current = await memoryOf(c, id);
  if (pinned !== undefined && current.memoryVersion !== pinned) throw stale();
  throw new ApiError("validation-error", "1 field is not valid.", {
    errors: [
      {
        path: "body",
        message: `The patched memory would be larger than ${MEMORY_LIMITS.maxBytes} bytes of JSON`,
        code: "too_big",
      },
    ],
  });
};

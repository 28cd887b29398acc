import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { actorOf } from "../../auth/principal";
import type { AppEnv } from "../../env";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch, versionFromIfMatch } from "../../http/etag";
import { applyMergePatch } from "../../http/merge-patch";
import { retryOnConflict } from "../../http/optimistic";
import { Status } from "../../http/status";
import { reachableThread, threadNotFound, threadsOf } from "../threads/thread-access";
import type { getThreadMemory, replaceThreadMemory, updateThreadMemory } from "./memory.routes";
import { MemoryDocument, type ThreadMemorySchema } from "./memory.schemas";

type ThreadMemory = z.infer<typeof ThreadMemorySchema>;

const MERGE_PATCH = "application/merge-patch+json";

const memoryOf = async (c: Context<AppEnv>, id: string) => {
  const thread = await threadsOf(c).findMemory(id);
  if (!thread) throw threadNotFound(id);
  return thread;
};

/**
 * Writes the document `build` makes from the current one, if the version it was built from is still
 * current (otherwise builds again, or 412 when If-Match pinned that version), logging `memory.updated`.
 */
const writeMemory = async (
  c: Context<AppEnv>,
  id: string,
  ifMatch: string | undefined,
  build: (current: Prisma.JsonObject, version: number) => Prisma.JsonObject,
): Promise<ThreadMemory> => {
  const pinned = versionFromIfMatch(ifMatch);
  if (pinned === null) throw new ApiError("precondition-failed", "If-Match is not an ETag this API issued.");
  const actor = actorOf(principalOf(c));
  await reachableThread(c, id);
  return retryOnConflict(async () => {
    const current = await memoryOf(c, id);
    if (pinned !== undefined && pinned !== current.memoryVersion) {
      throw new ApiError("precondition-failed", "The memory changed since you read it; fetch it again.");
    }
    const memory = build((current.memory ?? {}) as Prisma.JsonObject, current.memoryVersion);
    const now = new Date();
    const next: ThreadMemory = {
      version: current.memoryVersion + 1,
      updated_at: now.toISOString(),
      memory: memory as ThreadMemory["memory"],
    };
    const event = { threadId: id, type: "memory.updated" as const, actor, payload: next, now };
    return (await threadsOf(c).setMemory(event, memory, current.memoryVersion)) ? next : undefined;
  }, pinned !== undefined);
};

const respond = (c: Context<AppEnv>, memory: ThreadMemory) => {
  c.header("ETag", etagFor(memory.version));
  return ok(c, memory, Status.OK);
};

export const getThreadMemoryHandler: RouteHandler<typeof getThreadMemory, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  const thread = await memoryOf(c, id);
  const etag = etagFor(thread.memoryVersion);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(
    c,
    {
      version: thread.memoryVersion,
      updated_at: thread.memoryUpdatedAt?.toISOString() ?? null,
      memory: (thread.memory ?? {}) as ThreadMemory["memory"],
    },
    Status.OK,
  );
};

export const replaceThreadMemoryHandler: RouteHandler<typeof replaceThreadMemory, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const document = c.req.valid("json") as Prisma.JsonObject;
  const ifMatch = c.req.valid("header")["if-match"];
  const memory = await writeMemory(c, id, ifMatch, (_current, version) => {
    if (ifMatch === undefined && version > 0) {
      throw new ApiError(
        "precondition-required",
        `This thread has memory (version ${version}): send If-Match with its ETag, or * to overwrite it.`,
      );
    }
    return document;
  });
  return respond(c, memory);
};

export const updateThreadMemoryHandler: RouteHandler<typeof updateThreadMemory, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  // The route also accepts other JSON types (its validator matches any +json); a merge patch says so.
  if ((c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() !== MERGE_PATCH) {
    throw new ApiError("unsupported-media-type", `Send the patch as ${MERGE_PATCH} (RFC 7396).`);
  }
  const patch = c.req.valid("json");
  const memory = await writeMemory(c, id, c.req.valid("header")["if-match"], (current) => {
    const patched = MemoryDocument.safeParse(applyMergePatch(current, patch));
    if (!patched.success) {
      throw new ApiError("validation-error", "The patched memory would not be valid.", {
        errors: patched.error.issues.map((issue) => ({
          path: ["body", ...issue.path.map(String)].join("."),
          message: issue.message,
          code: issue.code,
        })),
      });
    }
    return patched.data as Prisma.JsonObject;
  });
  return respond(c, memory);
};

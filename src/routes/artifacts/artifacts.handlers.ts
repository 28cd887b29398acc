import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { attachableFiles } from "../../auth/message-authoring";
import { assertThreadStillWritable, reachableThread, writableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError, type FieldError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch, versionFromIfMatch } from "../../http/etag";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { repositories } from "../../repositories";
import { isForeignKeyViolation, newId } from "../../repositories/d1";
import type { Committed } from "../../repositories/thread-log";
import { CONTENT_BY_TYPE } from "../../wire/artifact-content";
import type { ArtifactRow, ArtifactState } from "../../wire/artifacts";
import { artifactToWire, versionToWire } from "../../wire/artifacts";
import type {
  createArtifact,
  deleteArtifact,
  getArtifact,
  getArtifactVersion,
  listArtifacts,
  listArtifactVersions,
  restoreArtifactVersion,
  updateArtifact,
} from "./artifacts.routes";

const artifactNotFound = (threadId: string, id: string) =>
  new ApiError("not-found", `No artifact with id ${id} in thread ${threadId}.`);

const invalid = (errors: FieldError[]) =>
  new ApiError("validation-error", `${errors.length} field${errors.length === 1 ? " is" : "s are"} not valid.`, {
    errors,
  });

const existingArtifact = async (c: Context<AppEnv>, threadId: string, id: string) => {
  const artifact = await repositories(c).artifacts.findInThread(threadId, id);
  if (!artifact) throw artifactNotFound(threadId, id);
  return artifact;
};

/**
 * The version an update or restore must start from: `If-Match` is required (428), `*` takes the
 * current version, anything we did not issue or that moved on is 412.
 */
const startingVersion = (ifMatch: string | undefined, current: ArtifactRow) => {
  if (ifMatch === undefined) {
    throw new ApiError(
      "precondition-required",
      `Send If-Match with the artifact's ETag (${etagFor(current.version)}): every update makes a new version from the one you read.`,
    );
  }
  const pinned = versionFromIfMatch(ifMatch);
  if (pinned === null || (pinned !== undefined && pinned !== current.version)) {
    throw new ApiError("precondition-failed", `The artifact is at version ${current.version}; fetch it again.`);
  }
  return current.version;
};

/**
 * Writes `state` as the artifact's next version; on a refused guard says why: the thread went away
 * or was archived (404 / 409), the artifact went away (404), or another version came first (412).
 */
const saveNextVersion = async (
  c: Context<AppEnv>,
  current: ArtifactRow,
  state: ArtifactState,
  files: ArtifactRow["files"],
  from: number,
) => {
  const now = new Date();
  const next: ArtifactRow = { ...current, ...state, files, version: from + 1, updatedAt: now };
  const event = {
    threadId: current.threadId,
    type: "artifact.updated" as const,
    actor: actorOf(principalOf(c)),
    payload: artifactToWire(next),
    now,
  };
  const saved = await repositories(c).artifacts.saveVersion(event, current.id, state, from);
  await publish(c, saved);
  if (saved) return next;
  await assertThreadStillWritable(c, current.threadId);
  await existingArtifact(c, current.threadId, current.id);
  throw new ApiError("precondition-failed", "Another version was saved first; fetch the artifact again.");
};

const respondWith = (c: Context<AppEnv>, artifact: ArtifactRow, status: typeof Status.OK | typeof Status.CREATED) => {
  c.header("ETag", etagFor(artifact.version));
  return ok(c, artifactToWire(artifact), status);
};

export const createArtifactHandler: RouteHandler<typeof createArtifact, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const principal = principalOf(c);
  const actor = actorOf(principal);
  await writableThread(c, id);
  if (body.message_id !== undefined && (await repositories(c).messages.seqOf(id, body.message_id)) === null) {
    throw invalid([
      { path: "body.message_id", message: "No message with this id in this thread", code: "unknown_message" },
    ]);
  }
  const files = await attachableFiles(c, principal, body.file_ids ?? [], "body.file_ids");
  const now = new Date();
  const artifact: ArtifactRow = {
    id: newId(),
    threadId: id,
    messageId: body.message_id ?? null,
    type: body.type,
    title: body.title,
    summary: body.summary ?? null,
    metadata: body.metadata ?? null,
    content: body.content as Prisma.JsonObject,
    fileIds: files.map((file) => file.id),
    version: 1,
    creator: actor,
    createdAt: now,
    updatedAt: now,
    files,
  };
  const event = { threadId: id, type: "artifact.created" as const, actor, payload: artifactToWire(artifact), now };
  let created: Committed | null;
  try {
    created = await repositories(c).artifacts.create(event, artifact);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new ApiError("conflict", "An attached file was deleted meanwhile.");
    throw error;
  }
  await publish(c, created);
  if (!created) {
    await assertThreadStillWritable(c, id);
    throw new ApiError("conflict", "The message it comes from was deleted meanwhile.");
  }
  c.header("Location", `/threads/${id}/artifacts/${artifact.id}`);
  return respondWith(c, artifact, Status.CREATED);
};

export const listArtifactsHandler: RouteHandler<typeof listArtifacts, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, type } = c.req.valid("query");
  await reachableThread(c, id);
  const rows = await repositories(c).artifacts.listPage({
    threadId: id,
    type,
    limit,
    after: cursor ? decodeCursor(cursor) : null,
  });
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(artifactToWire), pagination);
};

export const getArtifactHandler: RouteHandler<typeof getArtifact, AppEnv> = async (c) => {
  const { id, artifact_id } = c.req.valid("param");
  await reachableThread(c, id);
  const artifact = await existingArtifact(c, id, artifact_id);
  const etag = etagFor(artifact.version);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(c, artifactToWire(artifact), Status.OK);
};

export const updateArtifactHandler: RouteHandler<typeof updateArtifact, AppEnv> = async (c) => {
  const { id, artifact_id } = c.req.valid("param");
  const body = c.req.valid("json");
  await writableThread(c, id);
  const current = await existingArtifact(c, id, artifact_id);
  const from = startingVersion(c.req.valid("header")["if-match"], current);
  let content = current.content;
  if (body.content !== undefined) {
    const parsed = CONTENT_BY_TYPE[current.type].safeParse(body.content);
    if (!parsed.success) {
      throw invalid(
        parsed.error.issues.map((issue) => ({
          path: ["body", "content", ...issue.path.map(String)].join("."),
          message: issue.message,
          code: issue.code,
        })),
      );
    }
    content = parsed.data as Prisma.JsonObject;
  }
  const files =
    body.file_ids === undefined
      ? current.files
      : await attachableFiles(c, principalOf(c), body.file_ids, "body.file_ids");
  const state: ArtifactState = {
    title: body.title ?? current.title,
    summary: body.summary === undefined ? current.summary : body.summary,
    metadata: body.metadata === undefined ? current.metadata : body.metadata,
    content,
    fileIds: files.map((file) => file.id),
  };
  return respondWith(c, await saveNextVersion(c, current, state, files, from), Status.OK);
};

export const restoreArtifactVersionHandler: RouteHandler<typeof restoreArtifactVersion, AppEnv> = async (c) => {
  const { id, artifact_id, version } = c.req.valid("param");
  await writableThread(c, id);
  const current = await existingArtifact(c, id, artifact_id);
  const from = startingVersion(c.req.valid("header")["if-match"], current);
  const old = await repositories(c).artifacts.findVersion(artifact_id, version);
  if (!old) throw new ApiError("not-found", `Artifact ${artifact_id} has no version ${version}.`);
  const fileIds = (old.fileIds ?? []) as string[];
  const state: ArtifactState = {
    title: old.title,
    summary: old.summary,
    metadata: (old.metadata ?? null) as Prisma.JsonObject | null,
    content: old.content as Prisma.JsonObject,
    fileIds,
  };
  const files = await repositories(c).artifacts.filesByIds(fileIds);
  return respondWith(c, await saveNextVersion(c, current, state, files, from), Status.OK);
};

export const deleteArtifactHandler: RouteHandler<typeof deleteArtifact, AppEnv> = async (c) => {
  const { id, artifact_id } = c.req.valid("param");
  await writableThread(c, id);
  const current = await existingArtifact(c, id, artifact_id);
  const now = new Date();
  const event = {
    threadId: id,
    type: "artifact.deleted" as const,
    actor: actorOf(principalOf(c)),
    payload: artifactToWire(current),
    now,
  };
  const deleted = await repositories(c).artifacts.delete(event, artifact_id);
  await publish(c, deleted);
  if (!deleted) {
    await assertThreadStillWritable(c, id);
    throw artifactNotFound(id, artifact_id);
  }
  return c.body(null, Status.NO_CONTENT);
};

export const listArtifactVersionsHandler: RouteHandler<typeof listArtifactVersions, AppEnv> = async (c) => {
  const { id, artifact_id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  await reachableThread(c, id);
  const artifact = await existingArtifact(c, id, artifact_id);
  const rows = await repositories(c).artifacts.listVersions(
    artifact_id,
    limit,
    cursor === undefined ? undefined : Number(cursor),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return okPage(
    c,
    page.map((row) => versionToWire(row, artifact.type)),
    { limit, has_more: rows.length > limit, next_cursor: rows.length > limit && last ? String(last.version) : null },
  );
};

export const getArtifactVersionHandler: RouteHandler<typeof getArtifactVersion, AppEnv> = async (c) => {
  const { id, artifact_id, version } = c.req.valid("param");
  await reachableThread(c, id);
  const artifact = await existingArtifact(c, id, artifact_id);
  const row = await repositories(c).artifacts.findVersion(artifact_id, version);
  if (!row) throw new ApiError("not-found", `Artifact ${artifact_id} has no version ${version}.`);
  return ok(c, versionToWire(row, artifact.type), Status.OK);
};

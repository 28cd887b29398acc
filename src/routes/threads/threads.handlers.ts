import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { checkedMentions } from "../../auth/mentions";
import { attachableFiles, authorFor } from "../../auth/message-authoring";
import { isWorkspaceWide } from "../../auth/reach";
import { assertReachable, callersThreads, reachableThread, threadNotFound } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import type { Thread } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch, versionFromIfMatch } from "../../http/etag";
import { retryOnConflict } from "../../http/optimistic";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { actorOf, type Principal } from "../../principal";
import { publish, publishDeletion } from "../../realtime/publish";
import { repositories } from "../../repositories";
import { isForeignKeyViolation, newId } from "../../repositories/d1";
import type { Committed, NewEvent } from "../../repositories/thread-log";
import { mentionsIn } from "../../schemas/blocks/mentions";
import { messageSnapshot } from "../../wire/messages";
import { type ReadMark, type ThreadRow, threadSnapshot, threadToWire } from "../../wire/threads";
import type { createThread, deleteThread, getThread, listThreads, updateThread } from "./threads.routes";

/** The caller's read mark in the thread. */
const markOf = async (c: Context<AppEnv>, threadId: string): Promise<ReadMark> =>
  (await repositories(c).reads.marksIn([threadId], actorOf(principalOf(c)))).get(threadId) ?? null;

/** A thread's ETag as its reader gets it: the thread's version, and their read mark (which moves their counts). */
const threadEtag = (thread: { lastSeq: number }, mark: ReadMark) => etagFor(thread.lastSeq, mark?.lastReadSeq ?? 0);

const invalidOwner = (message: string) =>
  new ApiError("validation-error", "1 field is not valid.", {
    errors: [{ path: "body.owner_id", message, code: "invalid_owner" }],
  });

/** Whose thread a new one is: users create their own; admins and API keys name an existing user. */
const ownerFor = async (c: Context<AppEnv>, principal: Principal, requested: string | undefined) => {
  if (principal.kind === "user" && principal.role !== "ADMIN") {
    if (requested !== undefined && requested !== principal.id) {
      throw new ApiError(
        "forbidden",
        "Users create threads of their own; only admins and API keys name another owner.",
      );
    }
    return principal.id;
  }
  const ownerId = requested ?? (principal.kind === "user" ? principal.id : undefined);
  if (ownerId === undefined) throw invalidOwner("API keys must name the user the thread belongs to");
  if (!(await repositories(c).users.findById(ownerId))) throw invalidOwner("No user with this id");
  return ownerId;
};

export const createThreadHandler: RouteHandler<typeof createThread, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const principal = principalOf(c);
  const actor = actorOf(principal);
  const ownerId = await ownerFor(c, principal, body.owner_id);
  if (
    principal.kind === "api_key" &&
    (body.messages?.length ?? 0) > 0 &&
    !principal.scopes.includes("messages:write")
  ) {
    throw new ApiError(
      "forbidden",
      "A new thread's first messages are posted messages: this API key also needs messages:write.",
    );
  }
  const drafts = await Promise.all(
    (body.messages ?? []).map(async (input, index) => ({
      input,
      author: authorFor(principal, input.role),
      files: await attachableFiles(c, principal, input.file_ids ?? [], `body.messages.${index}.file_ids`),
      mentions: await checkedMentions(c, { ownerId }, mentionsIn(input, `body.messages.${index}`)),
    })),
  );

  const now = new Date();
  const threadId = newId();
  // The thread.created event is seq 1; message i follows as seq i + 2.
  const messages = drafts.map(({ input, author, files, mentions }, index) => ({
    id: newId(),
    threadId,
    seq: index + 2,
    parentId: null,
    ...author,
    text: input.text,
    state: "COMPLETE" as const,
    blocks: input.blocks ?? null,
    metadata: input.metadata ?? null,
    fileIds: input.file_ids ?? [],
    files,
    mentions,
    createdAt: now,
  }));
  const thread: Thread = {
    id: threadId,
    ownerId,
    title: body.title,
    status: "ACTIVE",
    memory: null,
    memoryVersion: 0,
    memoryUpdatedAt: null,
    metadata: body.metadata ?? null,
    messageCount: messages.length,
    lastMessageAt: messages.length > 0 ? now : null,
    lastSeq: messages.length + 1,
    createdAt: now,
    updatedAt: now,
  };
  const events: NewEvent[] = [
    {
      seq: 1,
      type: "thread.created",
      actor,
      payload: threadSnapshot({ ...thread, messageCount: 0, lastMessageAt: null, lastSeq: 1 }),
    },
    ...messages.map((message) => ({
      seq: message.seq,
      type: "message.created" as const,
      actor,
      payload: messageSnapshot({
        ...message,
        replyCount: 0,
        streamedLength: 0,
        incompleteReason: null,
        editedAt: null,
        deletedAt: null,
        updatedAt: now,
        attachments: message.files.map((file) => ({ file })),
      }),
    })),
  ];
  let committed: Committed;
  try {
    // A member-only key joins the thread it creates (admins and workspace-wide keys reach it anyway).
    const memberKeyId = principal.kind === "api_key" && !isWorkspaceWide(principal) ? principal.id : null;
    committed = await repositories(c).threads.create(thread, messages, events, actor, memberKeyId);
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      throw new ApiError("conflict", "An attached file or the owner was deleted while the thread was being created.");
    }
    throw error;
  }
  await publish(c, committed);
  // Its creator has read it up to its first messages.
  const mark = { lastReadSeq: thread.lastSeq, unreadCount: 0, unreadMentions: 0 };
  c.header("Location", `/threads/${thread.id}`);
  c.header("ETag", threadEtag(thread, mark));
  return ok(c, threadToWire(thread, mark), Status.CREATED);
};

export const listThreadsHandler: RouteHandler<typeof listThreads, AppEnv> = async (c) => {
  const { limit, cursor, status, updated_since, owner_id, unread } = c.req.valid("query");
  const reader = actorOf(principalOf(c));
  // Only threads within reach: asking for someone else's is simply an empty list.
  const rows = await repositories(c).threads.listPage({
    limit,
    after: cursor ? decodeCursor(cursor) : null,
    scope: callersThreads(c),
    ownerId: owner_id,
    status,
    updatedSince: updated_since ? new Date(updated_since) : undefined,
    reader,
    unreadOnly: unread,
  });
  const { page, pagination } = toPage(rows, limit, (row) => row.updatedAt);
  return okPage(
    c,
    page.map((row) => threadToWire(row, row.mark)),
    pagination,
  );
};

export const getThreadHandler: RouteHandler<typeof getThread, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const thread = assertReachable(id, await repositories(c).threads.findById(id, callersThreads(c)));
  const mark = await markOf(c, thread.id);
  const etag = threadEtag(thread, mark);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(c, threadToWire(thread, mark), Status.OK);
};

export const updateThreadHandler: RouteHandler<typeof updateThread, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const actor = actorOf(principalOf(c));
  const pinned = versionFromIfMatch(c.req.valid("header")["if-match"]);
  if (pinned === null) throw new ApiError("precondition-failed", "If-Match is not an ETag this API issued.");
  await reachableThread(c, id);
  const threads = repositories(c).threads;

  // Read, change, write only if nothing moved in between; without If-Match, try again on the newer version.
  const updated = await retryOnConflict(async () => {
    const current = await threads.findById(id, null);
    if (!current) throw threadNotFound(id);
    if (pinned !== undefined && pinned !== current.lastSeq) {
      throw new ApiError("precondition-failed", "The thread changed since you read it; fetch it again.");
    }
    const now = new Date();
    const next: ThreadRow = {
      ...current,
      title: body.title ?? current.title,
      status: body.status ?? current.status,
      metadata: body.metadata === undefined ? current.metadata : body.metadata,
      lastSeq: current.lastSeq + 1,
      updatedAt: now,
    };
    const committed = await threads.update(
      { threadId: id, type: "thread.updated", actor, payload: threadSnapshot(next), now },
      { title: body.title, status: body.status, metadata: body.metadata },
      current.lastSeq,
    );
    return committed ? { next, committed } : undefined;
  }, pinned !== undefined);
  await publish(c, updated.committed);
  const mark = await markOf(c, id);
  c.header("ETag", threadEtag(updated.next, mark));
  return ok(c, threadToWire(updated.next, mark), Status.OK);
};

export const deleteThreadHandler: RouteHandler<typeof deleteThread, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await reachableThread(c, id);
  if (!(await repositories(c).threads.delete(id))) throw threadNotFound(id);
  await publishDeletion(c, id);
  return c.body(null, Status.NO_CONTENT);
};

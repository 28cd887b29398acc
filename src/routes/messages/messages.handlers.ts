import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { checkedMentions } from "../../auth/mentions";
import { assertCanDelete, assertCanEdit, attachableFiles, authorFor } from "../../auth/message-authoring";
import { assertThreadStillWritable, reachableThread, threadArchived, writableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok, okPage } from "../../http/envelope";
import { etagOfRepresentation, matchesIfMatch, matchesIfNoneMatch } from "../../http/etag";
import { retryOnConflict } from "../../http/optimistic";
import { Status } from "../../http/status";
import { actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { publishStreamed } from "../../realtime/streamed";
import { repositories } from "../../repositories";
import { isForeignKeyViolation, newId } from "../../repositories/d1";
import type { NewMessage } from "../../repositories/messages.repository";
import type { Committed } from "../../repositories/thread-log";
import { mentionsIn } from "../../schemas/blocks/mentions";
import { type MessageRow, mentionedIn, messageSnapshot, messageToWire } from "../../wire/messages";
import { decodeMessageCursor, encodeMessageCursor, type MessageRange, nextRange } from "./message-cursor";
import { messageNotFound, visibleMessage, withReactions } from "./message-views";
import type { createMessage, deleteMessage, getMessage, listMessages, updateMessage } from "./messages.routes";

const invalidField = (path: string, message: string, code: string) =>
  new ApiError("validation-error", "1 field is not valid.", { errors: [{ path, message, code }] });

export const createMessageHandler: RouteHandler<typeof createMessage, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const principal = principalOf(c);
  const thread = await writableThread(c, id);
  const author = authorFor(principal, body.role);
  const messages = repositories(c).messages;
  if (body.parent_id !== undefined) {
    const parent = await messages.findInThread(id, body.parent_id);
    if (!parent || parent.parentId !== null || parent.deletedAt) {
      throw invalidField("body.parent_id", "Not a live top-level message of this thread", "invalid_parent");
    }
  }
  const files = await attachableFiles(c, principal, body.file_ids ?? [], "body.file_ids");
  const mentions = await checkedMentions(c, thread, mentionsIn(body));

  const now = new Date();
  const message: NewMessage = {
    id: newId(),
    threadId: id,
    seq: 0, // given by the write: the seq of its event
    parentId: body.parent_id ?? null,
    ...author,
    // Only a streamed reply may start without text (the body's schema checks it).
    text: body.text ?? "",
    state: body.streaming ? "STREAMING" : "COMPLETE",
    blocks: body.blocks ?? null,
    metadata: body.metadata ?? null,
    fileIds: body.file_ids ?? [],
    mentions,
    createdAt: now,
  };
  const row: MessageRow = {
    ...message,
    streamedLength: body.streaming ? message.text.length : 0,
    incompleteReason: null,
    replyCount: 0,
    editedAt: null,
    deletedAt: null,
    updatedAt: now,
    attachments: files.map((file) => ({ file })),
  };
  let committed: Committed | null;
  try {
    committed = await messages.post(
      { threadId: id, type: "message.created", actor: actorOf(principal), payload: messageSnapshot(row), now },
      message,
    );
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new ApiError("conflict", "An attached file was deleted meanwhile.");
    throw error;
  }
  if (committed === null) {
    await assertThreadStillWritable(c, id);
    throw new ApiError("conflict", "The message you reply to was deleted meanwhile.");
  }
  const { seq } = committed;
  if (body.streaming) await publishStreamed(c, id, seq, null);
  await publish(c, committed);
  const wire = messageToWire({ ...row, seq }, []);
  c.header("Location", `/threads/${id}/messages/${message.id}`);
  c.header("ETag", await etagOfRepresentation(wire));
  return ok(c, wire, Status.CREATED);
};

/** The position of a message given as `after` / `before`, which must be in this thread. */
const positionOf = async (c: Context<AppEnv>, threadId: string, messageId: string | undefined, param: string) => {
  if (messageId === undefined) return undefined;
  const seq = await repositories(c).messages.seqOf(threadId, messageId);
  if (seq === null) throw invalidField(`query.${param}`, "No message with this id in this thread", "unknown_message");
  return seq;
};

export const listMessagesHandler: RouteHandler<typeof listMessages, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  await reachableThread(c, id);
  if (query.parent_id !== undefined && query.top_level === "true") {
    throw invalidField("query.top_level", "Replies are never top-level; send parent_id or top_level", "conflict");
  }
  let range: MessageRange;
  if (query.cursor !== undefined) {
    const positional = (["after", "before", "order"] as const).filter((name) => c.req.query(name) !== undefined);
    if (positional.length > 0) {
      throw invalidField(
        `query.${positional[0]}`,
        "A cursor already carries the range and order; send it alone",
        "cursor_conflict",
      );
    }
    range = decodeMessageCursor(query.cursor) ?? { order: query.order };
  } else {
    range = {
      order: query.order,
      afterSeq: await positionOf(c, id, query.after, "after"),
      beforeSeq: await positionOf(c, id, query.before, "before"),
    };
  }
  const rows = await repositories(c).messages.listPage({
    threadId: id,
    limit: query.limit,
    ...range,
    parentId: query.parent_id,
    topLevel: query.top_level === "true",
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const hasMore = rows.length > query.limit;
  return okPage(c, await withReactions(c, page, actorOf(principalOf(c))), {
    limit: query.limit,
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeMessageCursor(nextRange(range, last.seq)) : null,
  });
};

export const getMessageHandler: RouteHandler<typeof getMessage, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  await reachableThread(c, id);
  const { wire } = await visibleMessage(c, id, message_id, actorOf(principalOf(c)));
  const etag = await etagOfRepresentation(wire);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(c, wire, Status.OK);
};

export const updateMessageHandler: RouteHandler<typeof updateMessage, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const body = c.req.valid("json");
  const ifMatch = c.req.valid("header")["if-match"];
  const principal = principalOf(c);
  const actor = actorOf(principal);
  const thread = await writableThread(c, id);
  const messages = repositories(c).messages;
  // A new text or new blocks mean new mentions: those of the content after the edit, checked on each try.
  const contentChanges = body.text !== undefined || body.blocks !== undefined;

  const committed = await retryOnConflict(async () => {
    const { row: current, wire } = await visibleMessage(c, id, message_id, actor);
    assertCanEdit(principal, current);
    if (current.deletedAt) throw new ApiError("conflict", "Deleted messages cannot be edited.");
    if (current.state === "STREAMING") {
      throw new ApiError(
        "conflict",
        "The message is still streaming: complete it (POST …/complete) before editing it.",
      );
    }
    if (ifMatch !== undefined && !matchesIfMatch(ifMatch, await etagOfRepresentation(wire))) {
      throw new ApiError("precondition-failed", "The message changed since you read it; fetch it again.");
    }
    const now = new Date();
    const text = body.text ?? current.text;
    const blocks = body.blocks === undefined ? current.blocks : body.blocks;
    const mentions = contentChanges
      ? {
          now: await checkedMentions(c, thread, mentionsIn({ text, blocks: Array.isArray(blocks) ? blocks : [] })),
          before: mentionedIn(current),
        }
      : undefined;
    const next: MessageRow = {
      ...current,
      text,
      blocks,
      metadata: body.metadata === undefined ? current.metadata : body.metadata,
      mentions: mentions ? mentions.now : current.mentions,
      editedAt: now,
      updatedAt: now,
    };
    const edited = await messages.edit(
      { threadId: id, type: "message.updated", actor, payload: messageSnapshot(next), now },
      message_id,
      { text: body.text, blocks: body.blocks, metadata: body.metadata, mentions },
      current.updatedAt,
    );
    if (!edited) await assertThreadStillWritable(c, id);
    return edited ?? undefined;
  }, ifMatch !== undefined);
  await publish(c, committed);

  const { wire } = await visibleMessage(c, id, message_id, actor);
  c.header("ETag", await etagOfRepresentation(wire));
  return ok(c, wire, Status.OK);
};

export const deleteMessageHandler: RouteHandler<typeof deleteMessage, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const principal = principalOf(c);
  const thread = await reachableThread(c, id);
  const messages = repositories(c).messages;
  const current = await messages.findInThread(id, message_id);
  if (!current) throw messageNotFound(id, message_id);
  assertCanDelete(principal, current, thread.ownerId);
  if (current.deletedAt) return c.body(null, Status.NO_CONTENT);
  if (thread.status === "ARCHIVED") throw threadArchived(id);

  const now = new Date();
  const tombstone: MessageRow = {
    ...current,
    text: "",
    blocks: null,
    metadata: null,
    mentions: null,
    attachments: [],
    deletedAt: now,
    updatedAt: now,
  };
  const deleted = await messages.tombstone(
    { threadId: id, type: "message.deleted", actor: actorOf(principal), payload: messageSnapshot(tombstone), now },
    current,
  );
  await publish(c, deleted);
  if (!deleted) {
    // Someone else deleted it first (fine: it is deleted), or the thread went away or was archived.
    const again = await messages.findInThread(id, message_id);
    if (!again?.deletedAt) {
      await assertThreadStillWritable(c, id);
      if (!again) throw messageNotFound(id, message_id);
      throw new ApiError("conflict", "The message changed while it was being deleted; try again.");
    }
  }
  return c.body(null, Status.NO_CONTENT);
};

import { isDeepStrictEqual } from "node:util";
import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { assertThreadStillWritable, reachableThread, writableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError, type FieldError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { retryOnConflict } from "../../http/optimistic";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import {
  afterOneTimeAction,
  checkSelection,
  inputBlocks,
  locateAction,
  type Recorded,
  Refused,
  requiredForAction,
} from "../../interactions/block-inputs";
import { type Actor, actorOf } from "../../principal";
import { publish } from "../../realtime/publish";
import { repositories } from "../../repositories";
import { newId } from "../../repositories/d1";
import type { NewInteraction } from "../../repositories/interactions.repository";
import type { Block } from "../../schemas/blocks";
import type { InteractionWire } from "../../wire/interactions";
import { type MessageRow, messageSnapshot } from "../../wire/messages";
import { messageNotFound, visibleMessage } from "../messages/message-views";
import type { listInteractions, submitBlockAction, submitForm } from "./interactions.routes";
import type { BlockActionBody } from "./interactions.schemas";

/** The message acted on: live, with its blocks. */
const actedOn = async (c: Context<AppEnv>, threadId: string, messageId: string) => {
  const message = await repositories(c).messages.findInThread(threadId, messageId);
  if (!message) throw messageNotFound(threadId, messageId);
  if (message.deletedAt) throw new ApiError("conflict", "The message was deleted; nothing on it can be acted on.");
  return { message, blocks: (message.blocks ?? []) as Block[] };
};

/**
 * Stores the interaction (and, for a one-time block, the message's new blocks) if the message did
 * not change since it was checked; undefined when it did, so the caller checks again.
 */
const store = async (
  c: Context<AppEnv>,
  message: MessageRow,
  interaction: InteractionWire,
  kind: NewInteraction["kind"],
  newBlocks?: Block[],
) => {
  const now = new Date(interaction.created_at);
  const changed: MessageRow | undefined = newBlocks
    ? { ...message, blocks: newBlocks as Prisma.JsonArray, updatedAt: now }
    : undefined;
  const { recorded, updated } = await repositories(c).interactions.record(
    { threadId: message.threadId, actor: interaction.actor, payload: interaction, now },
    {
      id: interaction.id,
      threadId: message.threadId,
      messageId: message.id,
      kind,
      actor: interaction.actor,
      payload: interaction as unknown as Prisma.JsonObject,
    },
    message.updatedAt,
    changed && newBlocks ? { blocks: newBlocks as Prisma.JsonArray, payload: messageSnapshot(changed) } : undefined,
  );
  await publish(c, recorded, updated);
  if (!recorded) await assertThreadStillWritable(c, message.threadId);
  return recorded !== null;
};

/** What every interaction records: which message, who, when. */
const newInteraction = (message: MessageRow, actor: Actor) => ({
  id: newId(),
  thread_id: message.threadId,
  message_id: message.id,
  actor,
  created_at: new Date().toISOString(),
});

/** The interaction, and the message as it now is (a one-time block already replaced). */
const answer = async (c: Context<AppEnv>, interaction: InteractionWire) => {
  const { wire } = await visibleMessage(c, interaction.thread_id, interaction.message_id, interaction.actor);
  return ok(c, { interaction, message: wire }, Status.CREATED);
};

/** The recorded action is this actor's same choice (its action and every value it sent). */
const isSameClick = (
  taken: InteractionWire,
  actor: Actor,
  { block_id: _block, action_id, ...selection }: z.infer<typeof BlockActionBody>,
) =>
  taken.kind === "block_action" &&
  taken.actor.type === actor.type &&
  taken.actor.id === actor.id &&
  taken.action.action_id === action_id &&
  Object.entries(selection).every(([key, value]) =>
    isDeepStrictEqual((taken.action as Record<string, unknown>)[key], value),
  );

const refusedAction = (error: unknown) =>
  error instanceof Refused ? new ApiError("action-invalid", error.message) : error;

export const submitBlockActionHandler: RouteHandler<typeof submitBlockAction, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const body = c.req.valid("json");
  const actor = actorOf(principalOf(c));
  await writableThread(c, id);
  const interaction = await retryOnConflict(async () => {
    const { message, blocks } = await actedOn(c, id, message_id);
    let located: ReturnType<typeof locateAction>;
    let recorded: Recorded;
    try {
      located = locateAction(blocks, body.block_id, body.action_id);
      const { block_id: _block, action_id: _action, ...selection } = body;
      recorded = checkSelection(located.element, selection, requiredForAction(located.element));
    } catch (error) {
      // A one-time block that was used (now the context line naming its choice) was not mistaken: it was
      // answered already — by this very click, if it is the retry of one whose answer was lost: then it
      // answers what it recorded. Any other refusal is the action's own mistake (422), taken actions or not.
      const used = blocks.some((block) => block.type === "context" && block.block_id === body.block_id);
      const taken =
        error instanceof Refused && used
          ? await repositories(c).interactions.actionOn(message_id, body.block_id)
          : null;
      if (taken) {
        if (isSameClick(taken as InteractionWire, actor, body)) return taken as InteractionWire;
        throw new ApiError("conflict", `Block "${body.block_id}" took one action only, and it has been taken.`);
      }
      throw refusedAction(error);
    }
    const interaction: InteractionWire = {
      ...newInteraction(message, actor),
      kind: "block_action",
      action: { block_id: body.block_id, action_id: body.action_id, ...recorded },
    };
    const oneTime = located.block.type === "actions" && located.block.once === true;
    const stored = await store(
      c,
      message,
      interaction,
      "BLOCK_ACTION",
      oneTime ? afterOneTimeAction(blocks, located, recorded) : undefined,
    );
    return stored ? interaction : undefined;
  }, false);
  return answer(c, interaction);
};

export const submitFormHandler: RouteHandler<typeof submitForm, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  const { values } = c.req.valid("json");
  const actor = actorOf(principalOf(c));
  await writableThread(c, id);
  const interaction = await retryOnConflict(async () => {
    const { message, blocks } = await actedOn(c, id, message_id);
    const inputs = inputBlocks(blocks);
    if (inputs.length === 0) throw new ApiError("action-invalid", "This message has no input blocks to submit.");
    const errors: FieldError[] = [];
    const refuse = (path: string, message: string) => errors.push({ path, message, code: "invalid_input" });
    const known = new Set(inputs.flatMap(({ block }) => (block.block_id ? [block.block_id] : [])));
    for (const blockId of Object.keys(values))
      if (!known.has(blockId)) refuse(blockId, "Not an input block of this message.");
    const accepted: Record<string, Record<string, Recorded>> = {};
    for (const { index, block } of inputs) {
      const actionId = block.element.action_id;
      if (!block.block_id || !actionId) {
        if (!block.optional)
          refuse(`blocks.${index}`, "This input has no block_id and action_id, so it cannot be answered.");
        continue;
      }
      const given = values[block.block_id] ?? {};
      for (const other of Object.keys(given))
        if (other !== actionId) refuse(block.block_id, `No element "${other}" here.`);
      try {
        const recorded = checkSelection(block.element, given[actionId] ?? {}, !block.optional);
        accepted[block.block_id] = { [actionId]: recorded };
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        refuse(block.block_id, error.message);
      }
    }
    if (errors.length > 0) {
      throw new ApiError("form-invalid", `${errors.length} field${errors.length === 1 ? " is" : "s are"} not valid.`, {
        errors,
      });
    }
    const interaction: InteractionWire = {
      ...newInteraction(message, actor),
      kind: "form_submission",
      values: accepted,
    };
    return (await store(c, message, interaction, "FORM_SUBMISSION")) ? interaction : undefined;
  }, false);
  return answer(c, interaction);
};

export const listInteractionsHandler: RouteHandler<typeof listInteractions, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, message_id } = c.req.valid("query");
  await reachableThread(c, id);
  const rows = await repositories(c).interactions.listPage({
    threadId: id,
    messageId: message_id,
    limit,
    after: cursor ? decodeCursor(cursor) : null,
  });
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  // Stored as answered: the wire object itself.
  return okPage(
    c,
    page.map((row) => row.payload as unknown as InteractionWire),
    pagination,
  );
};

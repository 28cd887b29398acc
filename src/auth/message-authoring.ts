import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { MessageRole } from "../generated/prisma/client";
import { ApiError, type FieldError } from "../http/api-error";
import { actorOf, type Principal } from "../principal";
import { repositories } from "../repositories";
import type { AttachedFile } from "../wire/messages";
import { isWorkspaceWide } from "./reach";

/**
 * Who a new message is written by, from the principal and never from the body: users write USER
 * messages only; API keys (agents) write ASSISTANT (the default), SYSTEM or TOOL ones.
 */
export const authorFor = (principal: Principal, requested: MessageRole | undefined) => {
  if (principal.kind === "user") {
    if (requested !== undefined && requested !== "USER") {
      throw new ApiError(
        "forbidden",
        `Users post USER messages only; ${requested} messages come from agents (API keys).`,
      );
    }
    return { role: "USER" as const, authorId: principal.id, apiKeyId: null };
  }
  if (requested === "USER") {
    throw new ApiError("forbidden", "API keys post ASSISTANT, SYSTEM or TOOL messages; USER messages come from users.");
  }
  return { role: requested ?? "ASSISTANT", authorId: null, apiKeyId: principal.id };
};

/**
 * The files behind `file_ids`, in order, when the caller may attach every one: READY files they
 * uploaded — admins any file, workspace-wide API keys any file when they hold `files:read`. Otherwise
 * a validation problem naming each file that is not, by its path in the body (`body.file_ids.1`).
 */
export const attachableFiles = async (
  c: Context<AppEnv>,
  principal: Principal,
  fileIds: string[],
  path: string,
): Promise<AttachedFile[]> => {
  if (fileIds.length === 0) return [];
  const anyFile = isWorkspaceWide(principal) && (principal.kind === "user" || principal.scopes.includes("files:read"));
  const restrictedTo = anyFile ? null : actorOf(principal);
  const found = new Map(
    (await repositories(c).messages.attachableFiles(fileIds, restrictedTo)).map((file) => [file.id, file]),
  );
  const errors: FieldError[] = [];
  const files = fileIds.flatMap((id, index) => {
    const file = found.get(id);
    if (!file)
      errors.push({
        path: `${path}.${index}`,
        message: "No file with this id that you can attach",
        code: "unknown_file",
      });
    return file ? [file] : [];
  });
  if (errors.length > 0) {
    throw new ApiError(
      "validation-error",
      `${errors.length} file${errors.length === 1 ? " is" : "s are"} not attachable.`,
      {
        errors,
      },
    );
  }
  return files;
};

const wrote = (principal: Principal, message: { authorId: string | null; apiKeyId: string | null }) =>
  principal.kind === "user" ? message.authorId === principal.id : message.apiKeyId === principal.id;

/** Only a message's author edits it (as on Slack: admins neither, they delete). */
export const assertCanEdit = (principal: Principal, message: { authorId: string | null; apiKeyId: string | null }) => {
  if (!wrote(principal, message)) throw new ApiError("forbidden", "Only the author of a message can edit it.");
};

/** The thread's owner or an admin: who may end or remove what others wrote in it. */
const runsThread = (principal: Principal, threadOwnerId: string) =>
  principal.kind === "user" && (principal.role === "ADMIN" || principal.id === threadOwnerId);

/** Its author, the thread's owner and admins may stop a streamed message (a user's "stop generating"). */
export const assertCanStop = (
  principal: Principal,
  message: { authorId: string | null; apiKeyId: string | null },
  threadOwnerId: string,
) => {
  if (!wrote(principal, message) && !runsThread(principal, threadOwnerId)) {
    throw new ApiError("forbidden", "Only the thread's owner, an admin or its author can stop a message.");
  }
};

/** Its author, the thread's owner, admins and agents (API keys) may delete a message. */
export const assertCanDelete = (
  principal: Principal,
  message: { authorId: string | null; apiKeyId: string | null },
  threadOwnerId: string,
) => {
  if (!wrote(principal, message) && principal.kind !== "api_key" && !runsThread(principal, threadOwnerId)) {
    throw new ApiError("forbidden", "Only the author, the thread's owner or an admin can delete a message.");
  }
};

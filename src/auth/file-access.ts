import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { File } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import type { Principal } from "../principal";
import { repositories } from "../repositories";
import { principalOf } from "./access";
import { isWorkspaceWide, threadScopeOf } from "./reach";

export const fileNotFound = (id: string) => new ApiError("not-found", `No file with id ${id}.`);

/** Whether the caller uploaded the file. */
const uploaded = (principal: Principal, file: File) =>
  principal.kind === "user" ? file.uploadedById === principal.id : file.apiKeyId === principal.id;

/**
 * A file the caller may read: its uploader, admins and workspace-wide keys, and whoever reaches a thread
 * it belongs to or is attached in (./reach.ts); API keys also need `files:read`, which the route checked.
 * Everyone else, and every deleted file, gets the same 404 as a file that does not exist.
 */
export const readableFile = async (c: Context<AppEnv>, id: string): Promise<File> => {
  const principal = principalOf(c);
  const file = await repositories(c).files.findById(id);
  if (!file || file.status === "DELETED") throw fileNotFound(id);
  const scope = threadScopeOf(principal);
  if (scope === null || uploaded(principal, file)) return file;
  if (await repositories(c).files.isInThreadOf(file, scope)) return file;
  throw fileNotFound(id);
};

/** A file the caller may delete: its uploader, admins and workspace-wide keys; others get its 404. */
export const deletableFile = async (c: Context<AppEnv>, id: string): Promise<File> => {
  const principal = principalOf(c);
  const file = await repositories(c).files.findById(id);
  if (!file || !(isWorkspaceWide(principal) || uploaded(principal, file))) throw fileNotFound(id);
  return file;
};

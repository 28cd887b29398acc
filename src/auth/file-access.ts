import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { File } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import { principalOf } from "./access";

export const fileNotFound = (id: string) => new ApiError("not-found", `No file with id ${id}.`);

/**
 * A file the caller may read: its uploader, admins, API keys (their scope was checked by the
 * route), and whoever can read a thread it belongs to or is attached in. Everyone else, and every
 * deleted file, gets the same 404 as a file that does not exist.
 */
export const readableFile = async (c: Context<AppEnv>, id: string): Promise<File> => {
  const principal = principalOf(c);
  const file = await repositories(c).files.findById(id);
  if (!file || file.status === "DELETED") throw fileNotFound(id);
  if (principal.kind === "api_key" || principal.role === "ADMIN" || file.uploadedById === principal.id) return file;
  if (await repositories(c).files.isInThreadOf(file, principal.id)) return file;
  throw fileNotFound(id);
};

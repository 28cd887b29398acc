import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import type { AppEnv } from "../../env";
import type { File } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { getDb } from "../../repositories/db";
import { filesRepository } from "../../repositories/files.repository";

export const fileNotFound = (id: string) => new ApiError("not-found", `No file with id ${id}.`);

export const filesOf = (c: Context<AppEnv>) => filesRepository(getDb(c.env.DB));

/**
 * A file the caller may read: its uploader, admins, API keys (their scope was checked by the
 * route), and whoever can read a thread it belongs to or is attached in. Everyone else, and every
 * deleted file, gets the same 404 as a file that does not exist.
 */
export const readableFile = async (c: Context<AppEnv>, id: string): Promise<File> => {
  const principal = principalOf(c);
  const file = await filesOf(c).findById(id);
  if (!file || file.status === "DELETED") throw fileNotFound(id);
  if (principal.kind === "api_key" || principal.role === "ADMIN" || file.uploadedById === principal.id) return file;
  if (await filesOf(c).isInThreadOf(file, principal.id)) return file;
  throw fileNotFound(id);
};

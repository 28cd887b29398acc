import type { File } from "../generated/prisma/client";
import { loggerOf, type Runtime } from "../http/background";
import { errorMessage } from "../logging";
import { repositories } from "../repositories";

/**
 * Asks for a READY file's preview: marks it PENDING and queues the job, so the upload never waits
 * for it. Without the PREVIEWS queue nothing is asked (the preview route says what is missing); a
 * job that cannot be queued marks the preview FAILED. Never fails the upload. Returns the file row.
 */
export const requestPreview = async (runtime: Runtime, file: File): Promise<File> => {
  const { env } = runtime;
  if (!env.PREVIEWS) return file;
  const { files } = repositories(runtime);
  const pending = await files.setPreview(file.id, "PENDING", null, null);
  try {
    await env.PREVIEWS.send({ fileId: file.id });
    return pending;
  } catch (error) {
    loggerOf(runtime)?.error("queueing a preview failed", { file_id: file.id, error: errorMessage(error) });
    return files.setPreview(file.id, "FAILED", { reason: "The preview could not be queued; ask again later." }, null);
  }
};

import type { Bindings } from "../env";
import type { File, PreviewStatus, Prisma } from "../generated/prisma/client";
import { loggerOf, type Runtime } from "../http/background";
import { errorMessage } from "../logging";
import { repositories } from "../repositories";
import { hasPreview, noPreviewFor } from "../wire/previews";
import { essenceOf } from "./signature";

/** Where a file's preview starts, written with the row that makes it READY. */
export interface FirstPreview {
  status: Extract<PreviewStatus, "PENDING" | "UNSUPPORTED">;
  preview: Prisma.InputJsonObject | null;
}

/**
 * A file's preview as it becomes READY: none asked without the PREVIEWS queue (the preview route says what is
 * missing); UNSUPPORTED at once for a type that has no preview, with no job to queue; otherwise PENDING, its job
 * queued (`queuePreview`) once the row says so.
 */
export const firstPreview = (env: Bindings, contentType: string): FirstPreview | null => {
  if (!env.PREVIEWS) return null;
  const type = essenceOf(contentType);
  return hasPreview(type)
    ? { status: "PENDING", preview: null }
    : { status: "UNSUPPORTED", preview: noPreviewFor(type) };
};

/**
 * Queues the job of a PENDING preview, so the upload never waits for it; a job that cannot be queued marks the
 * preview FAILED. Never fails the upload. Returns the file row.
 */
export const queuePreview = async (runtime: Runtime, file: File): Promise<File> => {
  if (file.previewStatus !== "PENDING" || !runtime.env.PREVIEWS) return file;
  try {
    await runtime.env.PREVIEWS.send({ fileId: file.id });
    return file;
  } catch (error) {
    loggerOf(runtime)?.error("queueing a preview failed", { file_id: file.id, error: errorMessage(error) });
    const reason = { reason: "The preview could not be queued; ask again later." };
    return repositories(runtime).files.setPreview(file.id, "FAILED", reason, null);
  }
};

/** Asks for the preview of a READY file that has none yet (firstPreview, then its job). Returns the file row. */
export const requestPreview = async (runtime: Runtime, file: File): Promise<File> => {
  const first = firstPreview(runtime.env, file.contentType);
  if (!first) return file;
  const marked = await repositories(runtime).files.setPreview(file.id, first.status, first.preview, null);
  return queuePreview(runtime, marked);
};

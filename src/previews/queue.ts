import type { Bindings, PreviewJob } from "../env";
import type { File, Prisma } from "../generated/prisma/client";
import type { Db } from "../repositories/db";
import { getDb } from "../repositories/db";
import { filesRepository } from "../repositories/files.repository";
import { makePreview } from "./make-preview";

/** Deliveries of one job before its preview is given up as FAILED: wrangler.jsonc's max_retries (3), plus one. */
export const MAX_ATTEMPTS = 4;

const log = (level: "info" | "error", message: string, fields: Record<string, unknown>) =>
  console.log(JSON.stringify({ level, message, ...fields }));

/**
 * Asks for a READY file's preview: marks it PENDING and queues the job, so the upload never waits
 * for it. Without the PREVIEWS queue nothing is asked (the preview route says what is missing); a
 * job that cannot be queued marks the preview FAILED. Never fails the upload. Returns the file row.
 */
export const requestPreview = async (env: Bindings, db: Db, file: File): Promise<File> => {
  if (!env.PREVIEWS) return file;
  const files = filesRepository(db);
  const pending = await files.setPreview(file.id, "PENDING", null, null);
  try {
    await env.PREVIEWS.send({ fileId: file.id });
    return pending;
  } catch (error) {
    log("error", "queueing a preview failed", { file_id: file.id, error: String(error) });
    return files.setPreview(file.id, "FAILED", { reason: "The preview could not be queued; ask again later." }, null);
  }
};

/**
 * The PREVIEWS queue's consumer (the worker's `queue()` handler): makes each file's preview and
 * stores it on the file. A failure that may pass (R2, D1) is retried with backoff; after the last
 * attempt the preview is marked FAILED, so a client is never told "pending" forever.
 */
export const makePreviews = async (batch: MessageBatch<PreviewJob>, env: Bindings) => {
  const files = filesRepository(getDb(env.DB));
  for (const message of batch.messages) {
    const file = await files.findById(message.body.fileId);
    // Deleted, or gone with its thread, since it was queued: nothing to make.
    if (file?.status !== "READY") {
      message.ack();
      continue;
    }
    try {
      const outcome = await makePreview(env, file);
      await files.setPreview(file.id, outcome.status, outcome.preview as Prisma.InputJsonObject, outcome.previewKey);
      log("info", "preview made", { file_id: file.id, status: outcome.status });
      message.ack();
    } catch (error) {
      log("error", "making a preview failed", { file_id: file.id, attempt: message.attempts, error: String(error) });
      if (message.attempts < MAX_ATTEMPTS) {
        message.retry({ delaySeconds: 2 ** message.attempts });
      } else {
        await files.setPreview(file.id, "FAILED", { reason: "Making the preview kept failing." }, null);
        message.ack();
      }
    }
  }
};

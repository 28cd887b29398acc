import type { Bindings, PreviewJob } from "../env";
import type { Prisma } from "../generated/prisma/client";
import { createLogger, errorMessage } from "../logging";
import { repositories } from "../repositories";
import { makePreview } from "./make-preview";

/** Deliveries of one job before its preview is given up as FAILED: wrangler.jsonc's max_retries (3), plus one. */
export const MAX_ATTEMPTS = 4;

const log = createLogger({ job: "previews" });

/**
 * The PREVIEWS queue's consumer (the worker's `queue()` handler): makes each file's preview and
 * stores it on the file. A failure that may pass (R2, D1) is retried with backoff; after the last
 * attempt the preview is marked FAILED, so a client is never told "pending" forever.
 */
export const makePreviews = async (batch: MessageBatch<PreviewJob>, env: Bindings) => {
  const files = repositories({ env }).files;
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
      log.info("preview made", { file_id: file.id, status: outcome.status });
      message.ack();
    } catch (error) {
      log.error("making a preview failed", { file_id: file.id, attempt: message.attempts, error: errorMessage(error) });
      if (message.attempts < MAX_ATTEMPTS) {
        message.retry({ delaySeconds: 2 ** message.attempts });
      } else {
        await files.setPreview(file.id, "FAILED", { reason: "Making the preview kept failing." }, null);
        message.ack();
      }
    }
  }
};

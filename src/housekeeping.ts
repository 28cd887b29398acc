import type { Bindings } from "./env";
import { createLogger } from "./logging";
import { repositories } from "./repositories";
import { EVENT_RETENTION_DAYS } from "./repositories/events.repository";
import { dropOldDeliveries } from "./webhooks/sweep";

const HOUR_MS = 60 * 60 * 1000;
/** A single-request upload still PENDING after an hour has died (the limit is 25 MiB). */
export const STUCK_PENDING_MS = HOUR_MS;
/** Objects younger than this are never orphans: their row may be on its way. */
export const ORPHAN_GRACE_MS = HOUR_MS;
/** Bounds per run, so one run stays well inside a scheduled handler's limits; the next run goes on. */
export const HOUSEKEEPING_BOUNDS = {
  /** Stuck files per run: below D1's 100 bound parameters for the status update. */
  stuckFiles: 90,
  abandonedUploads: 50,
  /** Objects looked at per run by the orphan scan, listed a page at a time (R2 lists at most 1,000). */
  scannedObjects: 10_000,
  listPage: 1000,
};
/** Where the orphan scan stopped: the last key it looked at, so the next run goes on from there. */
export const ORPHAN_SCAN_POSITION_KEY = "housekeeping/orphan-scan-position";
const STORED_PREFIXES = ["files/", "uploads/", "previews/"];

const log = createLogger({ job: "housekeeping" });

/** Files whose upload died half-way: their bytes (if any arrived) are deleted and they become FAILED. */
const failStuckFiles = async (env: Bindings, now: Date) => {
  const files = repositories({ env }).files;
  const stuck = await files.stuckPending(new Date(now.getTime() - STUCK_PENDING_MS), HOUSEKEEPING_BOUNDS.stuckFiles);
  if (stuck.length === 0) return 0;
  await env.FILES.delete(stuck.map((file) => file.storageKey));
  return (await files.markFailed(stuck.map((file) => file.id))).count;
};

/** Uploads left open past their expiry: their parts are dropped and they become ABORTED. */
const abortAbandonedUploads = async (env: Bindings, now: Date) => {
  const uploads = repositories({ env }).uploads;
  let aborted = 0;
  for (const upload of await uploads.abandoned(now, HOUSEKEEPING_BOUNDS.abandonedUploads)) {
    try {
      await env.FILES.resumeMultipartUpload(upload.storageKey, upload.r2UploadId).abort();
    } catch {
      // Already gone (completed and then refused, or dropped by R2 after a week): nothing to abort.
    }
    // A completion that died after joining the parts leaves the object: it goes too.
    await env.FILES.delete(upload.storageKey);
    if (await uploads.changeStatus(upload.id, ["OPEN", "COMPLETING"], "ABORTED")) aborted++;
  }
  return aborted;
};

/**
 * Objects under files/, uploads/ and previews/ that no row needs (see storage.repository.ts) and that are older
 * than the grace period: a failed delete, a thread or user whose deletion cascaded to its file rows.
 * The bucket is listed in key order from where the last run stopped, at most a bound per run.
 */
const deleteOrphans = async (env: Bindings, now: Date) => {
  const storage = repositories({ env }).storage;
  const position = await env.FILES.get(ORPHAN_SCAN_POSITION_KEY);
  let startAfter = position ? await position.text() : "";
  let scanned = 0;
  let deleted = 0;
  while (scanned < HOUSEKEEPING_BOUNDS.scannedObjects) {
    const page = await env.FILES.list({ limit: HOUSEKEEPING_BOUNDS.listPage, ...(startAfter ? { startAfter } : {}) });
    scanned += page.objects.length;
    const candidates = page.objects
      .filter((object) => STORED_PREFIXES.some((prefix) => object.key.startsWith(prefix)))
      .filter((object) => object.uploaded.getTime() < now.getTime() - ORPHAN_GRACE_MS)
      .map((object) => object.key);
    if (candidates.length > 0) {
      const inUse = await storage.keysInUse(candidates);
      const orphans = candidates.filter((key) => !inUse.has(key));
      if (orphans.length > 0) await env.FILES.delete(orphans);
      deleted += orphans.length;
    }
    const last = page.objects.at(-1);
    if (!page.truncated || !last) {
      // The whole bucket was seen: the next run starts from the beginning.
      startAfter = "";
      break;
    }
    startAfter = last.key;
  }
  await env.FILES.put(ORPHAN_SCAN_POSITION_KEY, startAfter);
  return { scanned, deleted };
};

/**
 * The scheduled handler's work (hourly, see wrangler.jsonc): stuck files, abandoned uploads, orphaned
 * objects, expired Idempotency-Key records, events and webhook deliveries past retention, each logged as one JSON line.
 */
export const runHousekeeping = async (env: Bindings, now: Date) => {
  log.info("stuck pending files failed", { count: await failStuckFiles(env, now) });
  log.info("abandoned uploads aborted", { count: await abortAbandonedUploads(env, now) });
  const orphans = await deleteOrphans(env, now);
  log.info("orphaned objects deleted", { count: orphans.deleted, scanned: orphans.scanned });
  const { idempotency, events, userEvents } = repositories({ env });
  const keys = await idempotency.deleteExpired(now);
  log.info("expired idempotency records deleted", { count: keys.count });
  const cutoff = new Date(now.getTime() - EVENT_RETENTION_DAYS * 24 * HOUR_MS);
  log.info("thread events past retention deleted", {
    count: await events.deleteOlderThan(cutoff),
  });
  log.info("user events past retention deleted", {
    count: await userEvents.deleteOlderThan(cutoff),
  });
  log.info("webhook deliveries past retention deleted", { count: await dropOldDeliveries(env, now) });
};

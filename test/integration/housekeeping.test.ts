import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import {
  HOUSEKEEPING_BOUNDS,
  ORPHAN_GRACE_MS,
  ORPHAN_SCAN_POSITION_KEY,
  STUCK_PENDING_MS,
} from "../../src/housekeeping";
import worker from "../../src/index";
import { newId } from "../../src/repositories/d1";
import { getDb } from "../../src/repositories/db";
import { json, newUser } from "../support/conversations";

const db = getDb(env.DB);

/** The scheduled handler, as the cron runs it, at `now`. */
const runHousekeeping = async (now = Date.now()) => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: now }), env, ctx);
  await waitOnExecutionContext(ctx);
};

/** A PENDING file row created `age` ms ago, with bytes under its key as a dead upload may leave. */
const pendingFile = async (uploaderId: string, age: number) => {
  const id = newId();
  await db.file.create({
    data: {
      id,
      uploadedById: uploaderId,
      filename: "dead.bin",
      contentType: "application/octet-stream",
      sizeBytes: 4,
      storageKey: `files/${id}`,
      status: "PENDING",
      createdAt: new Date(Date.now() - age),
    },
  });
  await env.FILES.put(`files/${id}`, "half");
  return id;
};

const uploaded = async (http: (path: string, init?: RequestInit) => Promise<Response>) => {
  const response = await http("/files?filename=live.txt", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: "live",
  });
  expect(response.status).toBe(201);
  return (await response.json<{ data: { id: string } }>()).data.id;
};

const bounds = { ...HOUSEKEEPING_BOUNDS };
afterEach(() => Object.assign(HOUSEKEEPING_BOUNDS, bounds));

describe("scheduled housekeeping", () => {
  it("fails files stuck PENDING past the hour and deletes their bytes, leaving younger ones", async () => {
    const ada = await newUser();
    const stuck = await pendingFile(ada.id, STUCK_PENDING_MS + 60_000);
    const young = await pendingFile(ada.id, 60_000);
    await runHousekeeping();
    expect((await db.file.findFirst({ where: { id: stuck } }))?.status).toBe("FAILED");
    expect(await env.FILES.head(`files/${stuck}`)).toBeNull();
    expect((await db.file.findFirst({ where: { id: young } }))?.status).toBe("PENDING");
    expect(await env.FILES.head(`files/${young}`)).not.toBeNull();
  });

  it("aborts uploads left open past their expiry, dropping their parts, and leaves live ones", async () => {
    const ada = await newUser();
    const start = async () => {
      const response = await ada.http(
        "/uploads",
        json("POST", { filename: "x.bin", content_type: "text/plain", total_bytes: 3 }),
      );
      const { id } = (await response.json<{ data: { id: string } }>()).data;
      expect(
        (
          await ada.http(`/uploads/${id}/parts/1`, {
            method: "PUT",
            headers: { "Content-Type": "application/octet-stream" },
            body: "abc",
          })
        ).status,
      ).toBe(200);
      return id;
    };
    const [abandoned, live] = [await start(), await start()];
    await db.upload.update({ where: { id: abandoned }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await runHousekeeping();
    const row = await db.upload.findFirst({ where: { id: abandoned } });
    expect(row?.status).toBe("ABORTED");
    if (!row) return;
    await expect(
      env.FILES.resumeMultipartUpload(row.storageKey, row.r2UploadId).uploadPart(1, "abc"),
    ).rejects.toThrow();
    expect((await db.upload.findFirst({ where: { id: live } }))?.status).toBe("OPEN");
  });

  it("deletes objects no row needs once past the grace period, and keeps every file's bytes", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http);
    const deleted = await uploaded(ada.http);
    await db.file.update({ where: { id: deleted }, data: { status: "DELETED" } });
    const orphan = `files/orphan-${crypto.randomUUID()}`;
    await env.FILES.put(orphan, "nobody's");
    await runHousekeeping();
    expect(await env.FILES.head(orphan), "within the grace period").not.toBeNull();
    await runHousekeeping(Date.now() + ORPHAN_GRACE_MS + 60_000);
    expect(await env.FILES.head(orphan)).toBeNull();
    expect(await env.FILES.head(`files/${deleted}`)).toBeNull();
    expect(await env.FILES.head(`files/${file}`)).not.toBeNull();
    expect(await (await env.FILES.get(ORPHAN_SCAN_POSITION_KEY))?.text(), "a whole scan starts over").toBe("");
  });

  it("scans a bounded number of objects per run, going on from where the last run stopped", async () => {
    const prefix = `files/scan-${crypto.randomUUID()}`;
    const keys = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const key of keys) await env.FILES.put(key, "orphan");
    // Start just before these keys, two objects a run.
    await env.FILES.put(ORPHAN_SCAN_POSITION_KEY, prefix);
    Object.assign(HOUSEKEEPING_BOUNDS, { scannedObjects: 2, listPage: 2 });
    const later = Date.now() + ORPHAN_GRACE_MS + 60_000;
    await runHousekeeping(later);
    expect(await Promise.all(keys.map(async (key) => (await env.FILES.head(key)) === null))).toEqual([
      true,
      true,
      false,
    ]);
    expect(await (await env.FILES.get(ORPHAN_SCAN_POSITION_KEY))?.text()).toBe(keys[1]);
    await runHousekeeping(later);
    expect(await env.FILES.head(keys[2] ?? "")).toBeNull();
  });

  it("drops finished webhook deliveries past 30 days, keeping pending and recent ones", async () => {
    const admin = await newUser("ADMIN");
    const hook = await unwrap(
      admin.api.POST("/webhooks", { body: { url: "https://hooks.invalid/housekeeping", events: ["*"] } }),
    );
    const day = 24 * 3600 * 1000;
    const delivery = (status: "SUCCEEDED" | "FAILED" | "PENDING", age: number) =>
      db.webhookDelivery.create({
        data: {
          id: newId(),
          subscriptionId: hook.id,
          eventType: "webhook.test",
          status,
          createdAt: new Date(Date.now() - age),
          updatedAt: new Date(Date.now() - age),
        },
      });
    const [oldDone, oldFailed, oldPending, recent] = [
      await delivery("SUCCEEDED", 31 * day),
      await delivery("FAILED", 31 * day),
      await delivery("PENDING", 31 * day),
      await delivery("SUCCEEDED", 29 * day),
    ];
    await runHousekeeping();
    const left = await db.webhookDelivery.findMany({ where: { subscriptionId: hook.id }, select: { id: true } });
    expect(left.map((row) => row.id).sort()).toEqual([oldPending.id, recent.id].sort());
    expect([oldDone.id, oldFailed.id].some((id) => left.some((row) => row.id === id))).toBe(false);
  });
});

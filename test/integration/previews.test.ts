import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { components } from "../../sdk/src";
import { createApp } from "../../src/app";
import type { PreviewJob } from "../../src/env";
import { MAX_ATTEMPTS, makePreviews } from "../../src/previews/queue";
import { getDb } from "../../src/repositories/db";
import { BASE_URL } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { newUser, problemOf } from "../support/conversations";
import { makePdf, makePng, toJpeg } from "../support/images";

type FilePreview = components["schemas"]["FilePreview"];
type Http = (path: string, init?: RequestInit) => Promise<Response>;

const db = getDb(env.DB);
const images = env.IMAGES as ImagesBinding;

const upload = async (http: Http, body: Uint8Array | string, contentType: string, filename: string) => {
  const response = await http(`/files?filename=${filename}`, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ data: { id: string; preview_status: string | null } }>()).data;
};

/** Asks for the preview until it is no longer pending (the queue consumer runs a moment later). */
const settledPreview = async (http: Http, id: string) => {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await http(`/files/${id}/preview`);
    if (response.status !== 202) return response;
    expect(response.headers.get("Retry-After")).toBe("2");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the preview stayed pending");
};

const previewOf = async (http: Http, id: string) => {
  const response = await settledPreview(http, id);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ data: FilePreview }>()).data;
};

describe("file previews", () => {
  it("makes a PNG's thumbnail, aspect ratio kept, after the upload answered", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, await makePng(640, 400), "image/png", "wide.png");
    expect(file.preview_status).toBe("PENDING");
    const preview = await previewOf(ada.http, file.id);
    expect(preview).toEqual({
      kind: "image",
      width: 640,
      height: 400,
      format: "image/png",
      thumbnail: { width: 320, height: 200, content_type: "image/png", url: `/files/${file.id}/preview/thumbnail` },
    });
    const thumbnail = await ada.http(`/files/${file.id}/preview/thumbnail`);
    expect(thumbnail.headers.get("Content-Type")).toBe("image/png");
    const info = await images.info(thumbnail.body as ReadableStream<Uint8Array>);
    expect(info).toMatchObject({ format: "image/png", width: 320, height: 200 });
  });

  it("makes a JPEG's thumbnail, and never enlarges a small image", async () => {
    const ada = await newUser();
    const tall = await upload(ada.http, await toJpeg(images, await makePng(300, 900)), "image/jpeg", "tall.jpg");
    expect(await previewOf(ada.http, tall.id)).toMatchObject({
      width: 300,
      height: 900,
      format: "image/jpeg",
      thumbnail: { width: 107, height: 320 },
    });
    const small = await upload(ada.http, await makePng(40, 30), "image/png", "small.png");
    expect(await previewOf(ada.http, small.id)).toMatchObject({ thumbnail: { width: 40, height: 30 } });
  });

  it("shows the first lines of text, Markdown and JSON", async () => {
    const ada = await newUser();
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n");
    const text = await upload(ada.http, lines, "text/plain", "notes.txt");
    expect(await previewOf(ada.http, text.id)).toEqual({
      kind: "text",
      excerpt: lines.split("\n").slice(0, 20).join("\n"),
      truncated: true,
    });
    const json = await upload(ada.http, '{"a": 1}', "application/json", "data.json");
    expect(await previewOf(ada.http, json.id)).toEqual({ kind: "text", excerpt: '{"a": 1}', truncated: false });
  });

  it("reads a CSV's header and counts its rows, quoted newlines included", async () => {
    const ada = await newUser();
    const csv = 'name,"note, with comma",n\nada,"two\nlines",1\nbob,plain,2\n';
    const file = await upload(ada.http, csv, "text/csv", "people.csv");
    expect(await previewOf(ada.http, file.id)).toMatchObject({
      kind: "csv",
      columns: ["name", "note, with comma", "n"],
      row_count: 2,
    });
  });

  it("counts a PDF's pages", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, makePdf(3), "application/pdf", "three.pdf");
    expect(await previewOf(ada.http, file.id)).toEqual({ kind: "pdf", page_count: 3 });
  });

  it("says why a file has no preview: its type has none (404 preview-unavailable), from the upload's answer on", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, "PK\u0003\u0004 not really", "application/octet-stream", "blob.bin");
    // Known at upload: no job is queued for it, and the first ask is already the answer.
    expect(file.preview_status).toBe("UNSUPPORTED");
    const response = await ada.http(`/files/${file.id}/preview`);
    expect(response.status).toBe(404);
    const problem = await problemOf(response);
    expect(problem.type).toMatch(/\/preview-unavailable$/);
    expect(problem.detail).toContain("application/octet-stream");
    expect((await ada.http(`/files/${file.id}/preview/thumbnail`)).status).toBe(404);
  });

  it("queues a preview on first ask for a file that has none yet", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, "old file", "text/plain", "old.txt");
    await previewOf(ada.http, file.id);
    await db.file.update({ where: { id: file.id }, data: { previewStatus: null, preview: undefined } });
    const first = await ada.http(`/files/${file.id}/preview`);
    expect(first.status).toBe(202);
    expect(await previewOf(ada.http, file.id)).toMatchObject({ kind: "text", excerpt: "old file" });
  });

  it("keeps another user's preview hidden (404)", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const file = await upload(ada.http, "private", "text/plain", "p.txt");
    expect((await bob.http(`/files/${file.id}/preview`)).status).toBe(404);
  });

  it("marks the preview FAILED, and still stores the file, when its job cannot be queued", async () => {
    const ada = await newUser();
    const request = new Request(new URL("/files?filename=q.txt", BASE_URL), {
      method: "POST",
      // Set by the HTTP client in the other tests; a Request made here has none of its own.
      headers: { Authorization: `Bearer ${ada.token}`, "Content-Type": "text/plain", "Content-Length": "14" },
      body: "queued in vain",
    });
    const brokenQueue = { send: () => Promise.reject(new Error("the queue is down")) } as unknown as Queue;
    const ctx = createExecutionContext();
    const response = await createApp().fetch(request, { ...env, PREVIEWS: brokenQueue }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("POST", request.url, response.clone());
    expect(response.status).toBe(201);
    const file = (await response.json<{ data: { id: string; status: string; preview_status: string } }>()).data;
    expect(file).toMatchObject({ status: "READY", preview_status: "FAILED" });
    const preview = await ada.http(`/files/${file.id}/preview`);
    expect(preview.status).toBe(404);
    expect((await problemOf(preview)).detail).toContain("could not be queued");
  });

  it("answers 503 naming the missing setting when previews are not configured", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, "text", "text/plain", "t.txt");
    await db.file.update({ where: { id: file.id }, data: { previewStatus: null } });
    const request = new Request(new URL(`/files/${file.id}/preview`, BASE_URL), {
      headers: { Authorization: `Bearer ${ada.token}` },
    });
    const ctx = createExecutionContext();
    const response = await createApp().fetch(request, { ...env, PREVIEWS: undefined }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("GET", request.url, response.clone());
    expect(response.status).toBe(503);
    expect((await problemOf(response)).detail).toContain("PREVIEWS");
  });
});

describe("the preview queue's consumer", () => {
  const batchFor = (fileId: string, attempts: number) =>
    createMessageBatch<PreviewJob>("experience-layer-previews", [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { fileId } },
    ]);

  const failingStorage = {
    ...env,
    FILES: { get: () => Promise.reject(new Error("R2 is down")) } as unknown as R2Bucket,
  };

  it("retries a failure that may pass, and marks the preview FAILED after the last attempt", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, "text", "text/plain", "flaky.txt");
    await previewOf(ada.http, file.id);

    const early = batchFor(file.id, 1);
    const ctx = createExecutionContext();
    await makePreviews(early, failingStorage);
    const retried = await getQueueResult(early, ctx);
    expect(retried.retryMessages).toHaveLength(1);

    const last = batchFor(file.id, MAX_ATTEMPTS);
    await makePreviews(last, failingStorage);
    const given = await getQueueResult(last, ctx);
    expect(given.explicitAcks).toHaveLength(1);
    expect((await db.file.findFirst({ where: { id: file.id } }))?.previewStatus).toBe("FAILED");
  });

  it("drops a job for a file deleted since it was queued", async () => {
    const ada = await newUser();
    const file = await upload(ada.http, "soon gone", "text/plain", "gone.txt");
    await ada.http(`/files/${file.id}`, { method: "DELETE" });
    const batch = batchFor(file.id, 1);
    await makePreviews(batch, env);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1);
  });
});

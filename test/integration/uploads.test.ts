import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/repositories/db";
import { randomBytes, sha256Hex } from "../support/bytes";
import { json, newAgent, newThread, newUser, problemOf } from "../support/conversations";

const db = getDb(env.DB);
const encoder = new TextEncoder();
const MiB = 1024 * 1024;

type Http = (path: string, init?: RequestInit) => Promise<Response>;

interface Upload {
  id: string;
  status: string;
  part_size: number;
  parts_expected: number;
  parts: { part_number: number; size_bytes: number }[];
  bytes_received: number;
  file_id: string | null;
  expires_at: string;
}

const start = async (http: Http, body: Record<string, unknown>) => {
  const response = await http(
    "/uploads",
    json("POST", { filename: "data.bin", content_type: "application/octet-stream", ...body }),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  expect(response.headers.get("Location")).toMatch(/^\/uploads\/[a-z0-9]+$/);
  return (await response.json<{ data: Upload }>()).data;
};

const sendPart = (http: Http, id: string, partNumber: number, bytes: Uint8Array) =>
  http(`/uploads/${id}/parts/${partNumber}`, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: bytes,
  });

const sent = async (http: Http, id: string, partNumber: number, bytes: Uint8Array) => {
  const response = await sendPart(http, id, partNumber, bytes);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ data: { sha256: string; size_bytes: number } }>()).data;
};

const complete = (http: Http, id: string) => http(`/uploads/${id}/complete`, { method: "POST" });

const uploadOf = async (http: Http, id: string) => {
  const response = await http(`/uploads/${id}`);
  expect(response.status).toBe(200);
  return (await response.json<{ data: Upload }>()).data;
};

/** The part of `bytes` that part n carries. */
const part = (bytes: Uint8Array, partSize: number, n: number) => bytes.subarray((n - 1) * partSize, n * partSize);

/** Nothing of the upload is kept: no file row and no object under its key. */
const expectNothingKept = async (id: string) => {
  expect(await db.file.count({ where: { storageKey: `uploads/${id}` } })).toBe(0);
  expect(await env.FILES.head(`uploads/${id}`)).toBeNull();
};

const downloadedSha256 = async (http: Http, fileId: string) => {
  const response = await http(`/files/${fileId}/content`);
  expect(response.status).toBe(200);
  return sha256Hex(new Uint8Array(await response.arrayBuffer()));
};

describe("resumable uploads", () => {
  it("round-trips a small file in one part, checked against its sha256", async () => {
    const ada = await newUser();
    const bytes = encoder.encode("hello, uploads");
    const upload = await start(ada.http, {
      filename: "hello.txt",
      content_type: "text/plain",
      total_bytes: bytes.length,
      sha256: await sha256Hex(bytes),
    });
    expect(upload).toMatchObject({ status: "OPEN", part_size: 8 * MiB, parts_expected: 1, parts: [], file_id: null });
    expect(Date.parse(upload.expires_at) - Date.now()).toBeGreaterThan(23 * 60 * 60 * 1000);
    expect((await sent(ada.http, upload.id, 1, bytes)).sha256).toBe(await sha256Hex(bytes));
    const response = await complete(ada.http, upload.id);
    expect(response.status, await response.clone().text()).toBe(201);
    const file = (await response.json<{ data: { id: string; sha256: string; status: string; filename: string } }>())
      .data;
    expect(file).toMatchObject({ status: "READY", sha256: await sha256Hex(bytes), filename: "hello.txt" });
    expect(response.headers.get("Location")).toBe(`/files/${file.id}`);
    expect(await uploadOf(ada.http, upload.id)).toMatchObject({ status: "COMPLETED", file_id: file.id });
    expect(await downloadedSha256(ada.http, file.id)).toBe(file.sha256);
  });

  it("round-trips a multi-megabyte file sent in parts out of order", async () => {
    const agent = await newAgent(["files:write", "files:read"]);
    const partSize = 5 * MiB;
    const bytes = randomBytes(2 * partSize + 123_457);
    const upload = await start(agent.http, {
      total_bytes: bytes.length,
      part_size: partSize,
      sha256: await sha256Hex(bytes),
    });
    expect(upload.parts_expected).toBe(3);
    for (const n of [3, 1, 2]) await sent(agent.http, upload.id, n, part(bytes, partSize, n));
    const progress = await uploadOf(agent.http, upload.id);
    expect(progress.parts.map((p) => [p.part_number, p.size_bytes])).toEqual([
      [1, partSize],
      [2, partSize],
      [3, 123_457],
    ]);
    expect(progress.bytes_received).toBe(bytes.length);
    const response = await complete(agent.http, upload.id);
    expect(response.status, await response.clone().text()).toBe(201);
    const file = (await response.json<{ data: { id: string; size_bytes: number } }>()).data;
    expect(file.size_bytes).toBe(bytes.length);
    expect(await downloadedSha256(agent.http, file.id)).toBe(await sha256Hex(bytes));
  });

  it("replaces a part sent again (a retry), keeping one part per number", async () => {
    const ada = await newUser();
    const partSize = 5 * MiB;
    const bytes = randomBytes(partSize + 10);
    const upload = await start(ada.http, {
      total_bytes: bytes.length,
      part_size: partSize,
      sha256: await sha256Hex(bytes),
    });
    await sent(ada.http, upload.id, 1, new Uint8Array(partSize).fill(1));
    await sent(ada.http, upload.id, 2, part(bytes, partSize, 2));
    await sent(ada.http, upload.id, 1, part(bytes, partSize, 1));
    expect((await uploadOf(ada.http, upload.id)).parts.map((p) => p.part_number)).toEqual([1, 2]);
    const response = await complete(ada.http, upload.id);
    expect(response.status).toBe(201);
  });

  it("refuses to complete with a part missing (409 naming it), and completes once it is sent", async () => {
    const ada = await newUser();
    const partSize = 5 * MiB;
    const bytes = randomBytes(partSize + 10);
    const upload = await start(ada.http, { total_bytes: bytes.length, part_size: partSize });
    await sent(ada.http, upload.id, 1, part(bytes, partSize, 1));
    const refused = await complete(ada.http, upload.id);
    expect(refused.status).toBe(409);
    const problem = await problemOf(refused);
    expect(problem.type).toMatch(/\/upload-incomplete$/);
    expect(problem.detail).toContain("missing part 2");
    expect((await uploadOf(ada.http, upload.id)).status).toBe("OPEN");
    await sent(ada.http, upload.id, 2, part(bytes, partSize, 2));
    expect((await complete(ada.http, upload.id)).status).toBe(201);
  });

  it("refuses to complete with a part of the wrong size recorded (409 naming it)", async () => {
    const ada = await newUser();
    const upload = await start(ada.http, { total_bytes: 10 });
    // What the part route never lets in: a part whose recorded size is not the one the upload needs.
    await env.DB.prepare(
      "INSERT INTO upload_parts (upload_id, part_number, etag, size_bytes, created_at) VALUES (?, 1, 'x', 3, ?)",
    )
      .bind(upload.id, new Date().toISOString())
      .run();
    const refused = await complete(ada.http, upload.id);
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).detail).toContain("part 1 has 3 bytes, not 10");
  });

  it("takes each part at exactly its size: 411 without a length, 400 for another, 413 over the part size", async () => {
    const ada = await newUser();
    const partSize = 5 * MiB;
    const upload = await start(ada.http, { total_bytes: partSize + 10, part_size: partSize });
    const short = await sendPart(ada.http, upload.id, 1, new Uint8Array(100));
    expect(short.status).toBe(400);
    expect((await problemOf(short)).errors?.map((e) => e.path)).toEqual(["header.content-length"]);
    expect((await sendPart(ada.http, upload.id, 2, new Uint8Array(11))).status).toBe(400);
    expect((await sendPart(ada.http, upload.id, 1, new Uint8Array(partSize + 1))).status).toBe(413);
    const beyond = await sendPart(ada.http, upload.id, 3, new Uint8Array(10));
    expect((await problemOf(beyond)).errors?.map((e) => e.path)).toEqual(["param.part_number"]);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.close();
      },
    });
    const unsized = await ada.http(`/uploads/${upload.id}/parts/2`, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream" },
      body: stream,
      // @ts-expect-error: workerd needs `duplex` for a streamed request body; the DOM types lack it.
      duplex: "half",
    });
    expect(unsized.status).toBe(411);
    expect((await uploadOf(ada.http, upload.id)).parts).toEqual([]);
  });

  it("keeps nothing when the joined bytes do not match the sha256 (422), and aborts the upload", async () => {
    const ada = await newUser();
    const bytes = encoder.encode("what arrived");
    const upload = await start(ada.http, {
      total_bytes: bytes.length,
      content_type: "text/plain",
      sha256: await sha256Hex(encoder.encode("what was meant")),
    });
    await sent(ada.http, upload.id, 1, bytes);
    const response = await complete(ada.http, upload.id);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/checksum-mismatch$/);
    await expectNothingKept(upload.id);
    expect((await uploadOf(ada.http, upload.id)).status).toBe("ABORTED");
    expect((await sendPart(ada.http, upload.id, 1, bytes)).status).toBe(409);
  });

  it("keeps nothing when the bytes are not the declared type (422)", async () => {
    const ada = await newUser();
    const bytes = encoder.encode("<!doctype html><script>alert(1)</script>");
    const upload = await start(ada.http, { total_bytes: bytes.length, content_type: "image/png" });
    await sent(ada.http, upload.id, 1, bytes);
    const response = await complete(ada.http, upload.id);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/content-type-mismatch$/);
    await expectNothingKept(upload.id);
  });

  it("answers a completed upload's second completion (a retry whose answer was lost) with the same file, 200", async () => {
    const ada = await newUser();
    const upload = await start(ada.http, { total_bytes: 3 });
    await sent(ada.http, upload.id, 1, encoder.encode("abc"));
    const first = await complete(ada.http, upload.id);
    expect(first.status).toBe(201);
    const file = (await first.json<{ data: { id: string } }>()).data;
    const second = await complete(ada.http, upload.id);
    expect(second.status).toBe(200);
    expect(second.headers.get("Location")).toBe(`/files/${file.id}`);
    expect((await second.json<{ data: { id: string; status: string } }>()).data).toMatchObject({
      id: file.id,
      status: "READY",
    });
    expect(await db.file.count({ where: { uploadedById: ada.id } })).toBe(1);
    const aborted = await ada.http(`/uploads/${upload.id}`, { method: "DELETE" });
    expect(aborted.status).toBe(409);
    expect((await problemOf(aborted)).detail).toContain(file.id);
  });

  it("aborts: the upload is ABORTED, R2 drops its parts, and nothing more is taken", async () => {
    const ada = await newUser();
    const upload = await start(ada.http, { total_bytes: 3 });
    await sent(ada.http, upload.id, 1, encoder.encode("abc"));
    expect((await ada.http(`/uploads/${upload.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await uploadOf(ada.http, upload.id)).status).toBe("ABORTED");
    const row = await db.upload.findFirst({ where: { id: upload.id } });
    if (!row) throw new Error("the upload row is gone");
    const multipart = env.FILES.resumeMultipartUpload(row.storageKey, row.r2UploadId);
    await expect(multipart.uploadPart(1, "abc")).rejects.toThrow();
    expect((await sendPart(ada.http, upload.id, 1, encoder.encode("abc"))).status).toBe(409);
    expect((await complete(ada.http, upload.id)).status).toBe(409);
    expect((await ada.http(`/uploads/${upload.id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("answers 409 upload-closed for a part of an expired upload", async () => {
    const ada = await newUser();
    const upload = await start(ada.http, { total_bytes: 3 });
    await db.upload.update({ where: { id: upload.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const response = await sendPart(ada.http, upload.id, 1, encoder.encode("abc"));
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("expired");
  });

  it("hides an upload from everyone but its maker (404), admins and other API keys included", async () => {
    const ada = await newUser();
    const [bob, admin, agent] = await Promise.all([newUser(), newUser("ADMIN"), newAgent(["files:write"])]);
    const upload = await start(ada.http, { total_bytes: 3 });
    for (const other of [bob, admin, agent]) {
      expect((await other.http(`/uploads/${upload.id}`)).status).toBe(404);
      expect((await sendPart(other.http, upload.id, 1, encoder.encode("abc"))).status).toBe(404);
      expect((await complete(other.http, upload.id)).status).toBe(404);
      expect((await other.http(`/uploads/${upload.id}`, { method: "DELETE" })).status).toBe(404);
    }
    expect((await uploadOf(ada.http, upload.id)).status).toBe("OPEN");
  });

  it("refuses a file over MAX_RESUMABLE_UPLOAD_BYTES (413) and another user's thread (404)", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const tooBig = await ada.http(
      "/uploads",
      json("POST", {
        filename: "x",
        content_type: "video/mp4",
        total_bytes: Number(env.MAX_RESUMABLE_UPLOAD_BYTES) + 1,
      }),
    );
    expect(tooBig.status).toBe(413);
    const thread = await newThread(ada.api);
    const intoOthers = await bob.http(
      "/uploads",
      json("POST", { filename: "x", content_type: "text/plain", total_bytes: 3, thread_id: thread.id }),
    );
    expect(intoOthers.status).toBe(404);
  });

  it("makes the file belong to the thread it was uploaded into", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const upload = await start(ada.http, { total_bytes: 3, content_type: "text/plain", thread_id: thread.id });
    await sent(ada.http, upload.id, 1, encoder.encode("abc"));
    const file = (await (await complete(ada.http, upload.id)).json<{ data: { thread_id: string } }>()).data;
    expect(file.thread_id).toBe(thread.id);
  });
});

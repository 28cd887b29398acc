import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/repositories/db";
import { randomBytes, sha256Hex } from "../support/bytes";
import { newUser, problemOf } from "../support/conversations";

const db = getDb(env.DB);
const encoder = new TextEncoder();

type Http = (path: string, init?: RequestInit) => Promise<Response>;

/** A form as a browser sends it: the bytes and the Content-Type with its boundary. */
const encodeForm = async (fields: [string, string | File][]) => {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const response = new Response(form);
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get("Content-Type") ?? "",
  };
};

const fileOf = (bytes: Uint8Array | string, name: string, type: string) =>
  new File([typeof bytes === "string" ? encoder.encode(bytes) : bytes], name, { type });

const postForm = async (
  http: Http,
  fields: [string, string | File][],
  init: { query?: string; headers?: Record<string, string> } = {},
) => {
  const { bytes, contentType } = await encodeForm(fields);
  return http(`/files${init.query ? `?${init.query}` : ""}`, {
    method: "POST",
    headers: { "Content-Type": contentType, ...init.headers },
    body: bytes,
  });
};

const storedObjects = async () => (await env.FILES.list({ prefix: "files/" })).objects.length;
const rowsNamed = (filename: string) => db.file.count({ where: { filename } });

/** Downloads the file and answers its bytes' SHA-256. */
const downloadedSha256 = async (http: Http, id: string) => {
  const response = await http(`/files/${id}/content`);
  expect(response.status).toBe(200);
  return sha256Hex(new Uint8Array(await response.arrayBuffer()));
};

describe("files: multipart/form-data uploads", () => {
  it("round-trips a small file, named and typed by its part, checked against the sha256 field", async () => {
    const ada = await newUser();
    const bytes = encoder.encode("Q3 churn fell to 3.2%.");
    const response = await postForm(ada.http, [
      ["sha256", await sha256Hex(bytes)],
      ["file", fileOf(bytes, "churn.txt", "text/plain")],
    ]);
    expect(response.status, await response.clone().text()).toBe(201);
    const file = (
      await response.json<{
        data: { id: string; filename: string; content_type: string; size_bytes: number; sha256: string };
      }>()
    ).data;
    expect(file).toMatchObject({
      filename: "churn.txt",
      content_type: "text/plain",
      size_bytes: bytes.length,
      sha256: await sha256Hex(bytes),
    });
    expect(await downloadedSha256(ada.http, file.id)).toBe(file.sha256);
  });

  it("round-trips a multi-megabyte file at the limit, stored in several R2 parts", async () => {
    const ada = await newUser();
    const bytes = randomBytes(Number(env.MAX_UPLOAD_BYTES));
    const response = await postForm(ada.http, [
      ["file", fileOf(bytes, "big.bin", "application/octet-stream")],
      ["sha256", (await sha256Hex(bytes)).toUpperCase()],
    ]);
    expect(response.status, await response.clone().text()).toBe(201);
    const file = (await response.json<{ data: { id: string; sha256: string; size_bytes: number } }>()).data;
    expect(file.size_bytes).toBe(bytes.length);
    // R2 tags an object joined from parts with their count.
    expect((await env.FILES.head(`files/${file.id}`))?.etag).toMatch(/-3$/);
    expect(await downloadedSha256(ada.http, file.id)).toBe(await sha256Hex(bytes));
  });

  it("reads a body streamed in small chunks with no Content-Length, whatever the chunk edges", async () => {
    const ada = await newUser();
    const bytes = randomBytes(50_000);
    const { bytes: body, contentType } = await encodeForm([
      ["file", fileOf(bytes, "chunks.bin", "application/octet-stream")],
    ]);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) return controller.close();
        // 7-byte chunks: every delimiter crosses a chunk edge somewhere.
        controller.enqueue(body.slice(offset, offset + 7));
        offset += 7;
      },
    });
    const response = await ada.http("/files", {
      method: "POST",
      headers: { "Content-Type": contentType },
      body: stream,
      // @ts-expect-error: workerd needs `duplex` for a streamed request body; the DOM types lack it.
      duplex: "half",
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const file = (await response.json<{ data: { id: string; sha256: string } }>()).data;
    expect(file.sha256).toBe(await sha256Hex(bytes));
    expect(await downloadedSha256(ada.http, file.id)).toBe(file.sha256);
  });

  it("refuses a file over MAX_UPLOAD_BYTES with 413, keeping nothing", async () => {
    const ada = await newUser();
    const before = await storedObjects();
    const filename = `big-${crypto.randomUUID()}.bin`;
    const response = await postForm(ada.http, [
      ["file", fileOf(new Uint8Array(Number(env.MAX_UPLOAD_BYTES) + 1), filename, "application/octet-stream")],
    ]);
    expect(response.status).toBe(413);
    expect(await rowsNamed(filename)).toBe(0);
    expect(await storedObjects()).toBe(before);
  });

  it("keeps nothing when the file does not match its sha256 field (422)", async () => {
    const ada = await newUser();
    const before = await storedObjects();
    const filename = `sum-${crypto.randomUUID()}.txt`;
    const response = await postForm(ada.http, [
      ["file", fileOf("what arrived", filename, "text/plain")],
      ["sha256", await sha256Hex(encoder.encode("what was meant"))],
    ]);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/checksum-mismatch$/);
    expect(await rowsNamed(filename)).toBe(0);
    expect(await storedObjects()).toBe(before);
  });

  it("checks the part's bytes against its declared type (HTML sent as a PNG: 422)", async () => {
    const ada = await newUser();
    const filename = `fake-${crypto.randomUUID()}.png`;
    const response = await postForm(ada.http, [
      ["file", fileOf("<!doctype html><script>x</script>", filename, "image/png")],
    ]);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/content-type-mismatch$/);
    expect(await rowsNamed(filename)).toBe(0);
  });

  it.each([
    ["no file part", [["sha256", "0".repeat(64)]], {}, "body.file"],
    [
      "an unknown field",
      [
        ["file", fileOf("x", "a.txt", "text/plain")],
        ["title", "x"],
      ],
      {},
      "body.title",
    ],
    [
      "two files",
      [
        ["file", fileOf("x", "a.txt", "text/plain")],
        ["file", fileOf("y", "b.txt", "text/plain")],
      ],
      {},
      "body.file",
    ],
    [
      "a sha256 that is not one",
      [
        ["file", fileOf("x", "a.txt", "text/plain")],
        ["sha256", "nope"],
      ],
      {},
      "body.sha256",
    ],
    [
      "a Content-Digest (it would cover the form, not the file)",
      [["file", fileOf("x", "a.txt", "text/plain")]],
      { "Content-Digest": "sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:" },
      "header.content-digest",
    ],
  ] as [string, [string, string | File][], Record<string, string>, string][])(
    "refuses a form with %s (400, naming it), keeping nothing",
    async (_why, fields, headers, path) => {
      const ada = await newUser();
      const before = await storedObjects();
      const response = await postForm(ada.http, fields, { headers });
      expect(response.status).toBe(400);
      expect((await problemOf(response)).errors?.map((error) => error.path)).toEqual([path]);
      expect(await storedObjects()).toBe(before);
    },
  );

  it("refuses a form cut off before its closing boundary (400), keeping nothing", async () => {
    const ada = await newUser();
    const before = await storedObjects();
    const filename = `cut-${crypto.randomUUID()}.bin`;
    const { bytes, contentType } = await encodeForm([
      ["file", fileOf(randomBytes(100_000), filename, "application/octet-stream")],
    ]);
    const response = await ada.http("/files", {
      method: "POST",
      headers: { "Content-Type": contentType },
      body: bytes.subarray(0, bytes.length - 10),
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).type).toMatch(/\/malformed-request$/);
    expect(await rowsNamed(filename)).toBe(0);
    expect(await storedObjects()).toBe(before);
  });

  it("lets the filename query parameter name the file", async () => {
    const ada = await newUser();
    const response = await postForm(ada.http, [["file", fileOf("x", "from-part.txt", "text/plain")]], {
      query: "filename=from-query.txt",
    });
    expect(response.status).toBe(201);
    expect((await response.json<{ data: { filename: string } }>()).data.filename).toBe("from-query.txt");
  });
});

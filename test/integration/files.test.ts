import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { keyringFrom } from "../../src/auth/keyring";
import { signLink } from "../../src/files/download-links";
import { getDb } from "../../src/repositories/db";
import { anonymousHttp } from "../support/api";
import { json, newAgent, newThread, newUser, problemOf } from "../support/conversations";

const db = getDb(env.DB);
const encoder = new TextEncoder();

/** A real 1×1 PNG. */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (char) => char.charCodeAt(0),
);

const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const digestHeader = async (bytes: Uint8Array) => `sha-256=:${btoa(String.fromCharCode(...(await sha256(bytes))))}:`;

type Http = (path: string, init?: RequestInit) => Promise<Response>;

const upload = (
  http: Http,
  bytes: Uint8Array | string,
  contentType: string,
  query = "filename=notes.txt",
  headers = {},
) =>
  http(`/files?${query}`, {
    method: "POST",
    headers: { "Content-Type": contentType, ...headers },
    body: typeof bytes === "string" ? encoder.encode(bytes) : bytes,
  });

const uploaded = async (http: Http, bytes: Uint8Array | string, contentType = "text/plain", query?: string) => {
  const response = await upload(http, bytes, contentType, query);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ data: { id: string; sha256: string; filename: string; size_bytes: number } }>()).data;
};

const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());
const storedObjects = async () => (await env.FILES.list({ prefix: "files/" })).objects.length;

describe("files: upload", () => {
  it("stores a file, answering its SHA-256, size and a READY status", async () => {
    const ada = await newUser();
    const response = await upload(ada.http, "hello, files", "text/plain");
    expect(response.status).toBe(201);
    const file = (await response.json<{ data: Record<string, unknown> }>()).data;
    expect(file).toMatchObject({
      filename: "notes.txt",
      content_type: "text/plain",
      size_bytes: 12,
      sha256: hex(await sha256(encoder.encode("hello, files"))),
      status: "READY",
      uploaded_by: { type: "user", id: ada.id },
      thread_id: null,
    });
    expect(response.headers.get("Location")).toBe(`/files/${file.id}`);
  });

  it("round-trips a multi-megabyte file, checked against its Content-Digest", async () => {
    const ada = await newUser();
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17);
    for (let offset = 0; offset < bytes.length; offset += 65_536)
      crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
    const response = await upload(ada.http, bytes, "application/octet-stream", "filename=blob.bin", {
      "Content-Digest": await digestHeader(bytes),
    });
    expect(response.status).toBe(201);
    const file = (await response.json<{ data: { id: string; sha256: string } }>()).data;
    expect(file.sha256).toBe(hex(await sha256(bytes)));
    const download = await ada.http(`/files/${file.id}/content`);
    expect(download.status).toBe(200);
    expect(await sha256(await bytesOf(download))).toEqual(await sha256(bytes));
  });

  it("keeps nothing when the bytes do not match the Content-Digest (422)", async () => {
    const ada = await newUser();
    const before = await storedObjects();
    const filename = `digest-${crypto.randomUUID()}.txt`;
    const response = await upload(ada.http, "what arrived", "text/plain", `filename=${filename}`, {
      "Content-Digest": await digestHeader(encoder.encode("what was meant")),
    });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/checksum-mismatch$/);
    expect(await db.file.count({ where: { filename } })).toBe(0);
    expect(await storedObjects()).toBe(before);
  });

  it("refuses a file declared PNG whose bytes are HTML, keeping nothing", async () => {
    const ada = await newUser();
    const before = await storedObjects();
    const filename = `fake-${crypto.randomUUID()}.png`;
    const html = "<!doctype html><html><script>alert(document.cookie)</script></html>";
    const response = await upload(ada.http, html, "image/png", `filename=${filename}`);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/content-type-mismatch$/);
    expect(await db.file.count({ where: { filename } })).toBe(0);
    expect(await storedObjects()).toBe(before);
  });

  it("accepts a real PNG as image/png (and image/jpg is not a PNG)", async () => {
    const ada = await newUser();
    expect((await upload(ada.http, PNG, "image/png", "filename=dot.png")).status).toBe(201);
    expect((await upload(ada.http, PNG, "image/jpeg", "filename=dot.jpg")).status).toBe(422);
    expect((await upload(ada.http, PNG, "text/plain", "filename=dot.txt")).status).toBe(422);
  });

  it("refuses a file over MAX_UPLOAD_BYTES with 413, keeping nothing", async () => {
    const ada = await newUser();
    const before = await storedObjects();
    const filename = `big-${crypto.randomUUID()}.bin`;
    const limit = Number(env.MAX_UPLOAD_BYTES);
    const response = await upload(
      ada.http,
      new Uint8Array(limit + 1),
      "application/octet-stream",
      `filename=${filename}`,
    );
    expect(response.status).toBe(413);
    expect(await db.file.count({ where: { filename } })).toBe(0);
    expect(await storedObjects()).toBe(before);
    expect((await upload(ada.http, new Uint8Array(limit).fill(1), "application/octet-stream")).status).toBe(201);
  });

  it("wants a Content-Length (411) and a Content-Type (415)", async () => {
    const ada = await newUser();
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode("streamed"));
        controller.close();
      },
    });
    const chunked = await ada.http("/files?filename=a.txt", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: stream,
      // @ts-expect-error: workerd needs `duplex` for a streamed request body; the DOM types lack it.
      duplex: "half",
    });
    expect(chunked.status).toBe(411);
    const untyped = await ada.http("/files?filename=a.txt", { method: "POST", body: new Blob(["x"]) });
    expect(untyped.status).toBe(415);
  });

  it.each([
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\ada\\report.txt", "report.txt"],
    ["a<b>c|d?.txt", "abcd.txt"],
    ["..", "file"],
    ["ﬁnal\u0000name.txt", "ﬁnalname.txt"],
  ])("sanitises the filename %j to %j", async (name, stored) => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "x", "text/plain", `filename=${encodeURIComponent(name)}`);
    expect(file.filename).toBe(stored);
  });

  it("uploads into a thread the caller can reach, and refuses another user's thread (404)", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const thread = await newThread(ada.api);
    const file = await uploaded(ada.http, "thread file", "text/plain", `filename=t.txt&thread_id=${thread.id}`);
    expect((await unwrap(ada.api.GET("/files/{id}", { params: { path: { id: file.id } } }))).thread_id).toBe(thread.id);
    expect((await upload(bob.http, "x", "text/plain", `filename=t.txt&thread_id=${thread.id}`)).status).toBe(404);
  });
});

describe("files: download", () => {
  it("serves the bytes with the type, a strong ETag, and the headers of untrusted content", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "plain words", "text/plain", "filename=words.txt");
    const response = await ada.http(`/files/${file.id}/content`);
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(await bytesOf(response))).toBe("plain words");
    expect(response.headers.get("Content-Type")).toBe("text/plain");
    expect(response.headers.get("ETag")).toBe(`"${file.sha256}"`);
    expect(response.headers.get("Accept-Ranges")).toBe("bytes");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(response.headers.get("Content-Disposition")).toBe("attachment; filename=words.txt");
    const again = await ada.http(`/files/${file.id}/content`, { headers: { "If-None-Match": `"${file.sha256}"` } });
    expect(again.status).toBe(304);
  });

  it.each([
    ["bytes=0-3", 206, "0123", "bytes 0-3/10"],
    ["bytes=6-", 206, "6789", "bytes 6-9/10"],
    ["bytes=-3", 206, "789", "bytes 7-9/10"],
    ["bytes=8-100", 206, "89", "bytes 8-9/10"],
    ["bytes=0-1,4-5", 200, "0123456789", null],
    ["bytes=5-2", 200, "0123456789", null],
    ["lines=1-2", 200, "0123456789", null],
  ])("answers Range %s with %i", async (range, status, body, contentRange) => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "0123456789");
    const response = await ada.http(`/files/${file.id}/content`, { headers: { Range: range } });
    expect(response.status).toBe(status);
    expect(new TextDecoder().decode(await bytesOf(response))).toBe(body);
    expect(response.headers.get("Content-Range")).toBe(contentRange);
    expect(response.headers.get("Content-Length")).toBe(String(body.length));
  });

  it("answers a range past the end with 416 and the size", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "0123456789");
    for (const range of ["bytes=10-", "bytes=-0"]) {
      const response = await ada.http(`/files/${file.id}/content`, { headers: { Range: range } });
      expect(response.status).toBe(416);
      expect(response.headers.get("Content-Range")).toBe("bytes */10");
    }
  });

  it("serves passive types inline when asked, and active ones (HTML, SVG) only as attachments", async () => {
    const ada = await newUser();
    const png = await uploaded(ada.http, PNG, "image/png", "filename=dot.png");
    const html = await uploaded(ada.http, "<h1>hi</h1>", "text/html", "filename=page.html");
    const svg = await uploaded(
      ada.http,
      "<svg xmlns='http://www.w3.org/2000/svg'/>",
      "image/svg+xml",
      "filename=i.svg",
    );
    const disposition = async (id: string) =>
      (await ada.http(`/files/${id}/content?disposition=inline`)).headers.get("Content-Disposition");
    expect(await disposition(png.id)).toBe("inline; filename=dot.png");
    expect(await disposition(html.id)).toBe("attachment; filename=page.html");
    expect(await disposition(svg.id)).toBe("attachment; filename=i.svg");
  });

  it("encodes a non-ASCII filename for every browser", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "x", "text/plain", `filename=${encodeURIComponent("résumé.txt")}`);
    const response = await ada.http(`/files/${file.id}/content`);
    expect(response.headers.get("Content-Disposition")).toBe(
      "attachment; filename=\"r?sum?.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
    );
  });
});

describe("files: who may read them", () => {
  it("hides another user's file (404) by id, content and link", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const file = await uploaded(ada.http, "ada's");
    expect((await bob.http(`/files/${file.id}`)).status).toBe(404);
    expect((await bob.http(`/files/${file.id}/content`)).status).toBe(404);
    expect((await bob.http(`/files/${file.id}/links`, json("POST", {}))).status).toBe(404);
    expect((await bob.http(`/files/${file.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("lets whoever reads a thread download the files attached in it, and nobody else", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const viewer = await newUser("VIEWER");
    const agent = await newAgent(["threads:read", "threads:write", "messages:write", "files:write"]);
    const thread = await newThread(agent.api, { owner_id: viewer.id });
    const report = await uploaded(agent.http, "the agent's report");
    await unwrap(
      agent.api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: { text: "Your report", file_ids: [report.id] },
      }),
    );
    expect((await viewer.http(`/files/${report.id}/content`)).status).toBe(200);
    expect((await ada.http(`/files/${report.id}/content`)).status).toBe(404);
    expect((await bob.http(`/files/${report.id}`)).status).toBe(404);
  });

  it("lets an agent attach its own upload without files:read", async () => {
    const ada = await newUser();
    const agent = await newAgent(["threads:read", "messages:write", "files:write"]);
    const thread = await newThread(ada.api);
    const own = await uploaded(agent.http, "mine");
    const message = await unwrap(
      agent.api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: { text: "x", file_ids: [own.id] },
      }),
    );
    expect(message.attachments.map((a) => a.id)).toEqual([own.id]);
  });

  it("lists my uploads only", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const mine = await uploaded(ada.http, "mine");
    await uploaded(bob.http, "theirs");
    const listed = await unwrap(ada.api.GET("/files"));
    expect(listed.map((f) => f.id)).toEqual([mine.id]);
  });
});

describe("files: delete", () => {
  it("removes the bytes and marks the file DELETED; downloading or attaching it then fails", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "short-lived");
    const before = await storedObjects();
    expect((await ada.http(`/files/${file.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await storedObjects()).toBe(before - 1);
    expect((await db.file.findFirst({ where: { id: file.id } }))?.status).toBe("DELETED");
    expect((await ada.http(`/files/${file.id}/content`)).status).toBe(404);
    const thread = await newThread(ada.api);
    const attach = await ada.http(`/threads/${thread.id}/messages`, json("POST", { text: "x", file_ids: [file.id] }));
    expect(attach.status).toBe(400);
    expect((await ada.http(`/files/${file.id}`, { method: "DELETE" })).status).toBe(204);
  });
});

describe("files: signed download links", () => {
  const linkFor = async (http: Http, id: string, body: Record<string, unknown> = {}) => {
    const response = await http(`/files/${id}/links`, json("POST", body));
    expect(response.status).toBe(201);
    return (await response.json<{ data: { url: string; expires_at: string; disposition: string } }>()).data;
  };
  const relative = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };

  it("downloads without credentials until it expires", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, PNG, "image/png", "filename=dot.png");
    const link = await linkFor(ada.http, file.id, { disposition: "inline", expires_in: 60 });
    expect(Date.parse(link.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    const response = await anonymousHttp(relative(link.url));
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(PNG);
    expect(response.headers.get("Content-Disposition")).toBe("inline; filename=dot.png");
    expect(response.headers.get("Cache-Control")).toMatch(/^private, max-age=\d+$/);
  });

  it("answers an expired link with 403 link-expired", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "old");
    const keys = keyringFrom(env.DOWNLOAD_URL_KEYS);
    if (!keys) throw new Error("the tests configure DOWNLOAD_URL_KEYS");
    const expired = await signLink(keys, {
      fileId: file.id,
      expires: Math.floor(Date.now() / 1000) - 1,
      disposition: "attachment",
    });
    const query = new URLSearchParams({
      exp: String(expired.expires),
      disposition: expired.disposition,
      kid: expired.kid,
      sig: expired.signature,
    });
    const response = await anonymousHttp(`/files/${file.id}/download?${query}`);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).type).toMatch(/\/link-expired$/);
  });

  it("answers a tampered link, or a link used for another file, with 404", async () => {
    const ada = await newUser();
    const [mine, other] = [await uploaded(ada.http, "mine"), await uploaded(ada.http, "other")];
    const link = new URL((await linkFor(ada.http, mine.id)).url);
    const tamper = (name: string, value: string) => {
      const copy = new URL(link);
      copy.searchParams.set(name, value);
      return relative(copy.toString());
    };
    const cases = [
      tamper("exp", String(Number(link.searchParams.get("exp")) + 3600)),
      tamper("disposition", "inline"),
      tamper("sig", "A".repeat(43)),
      tamper("kid", "unknown"),
      relative(link.toString()).replace(mine.id, other.id),
    ];
    for (const path of cases) expect((await anonymousHttp(path)).status, path).toBe(404);
  });

  it("refuses a link asked for with no body and no Content-Type (415); an empty JSON object gets the defaults", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "linked");
    const bare = await ada.http(`/files/${file.id}/links`, { method: "POST" });
    expect(bare.status).toBe(415);
    expect((await problemOf(bare)).detail).toContain("application/json");
    expect((await linkFor(ada.http, file.id)).disposition).toBe("attachment");
  });

  it("also serves ranges", async () => {
    const ada = await newUser();
    const file = await uploaded(ada.http, "0123456789");
    const link = await linkFor(ada.http, file.id);
    const response = await anonymousHttp(relative(link.url), { headers: { Range: "bytes=2-4" } });
    expect(response.status).toBe(206);
    expect(new TextDecoder().decode(await bytesOf(response))).toBe("234");
  });
});

import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { actorOf } from "../../auth/principal";
import type { AppEnv } from "../../env";
import {
  contentDispositionHeader,
  type Disposition,
  dispositionFor,
  safeFilename,
  USER_CONTENT_HEADERS,
} from "../../files/disposition";
import { linkKeysFrom, signLink, verifyLink } from "../../files/download-links";
import { formDataBoundary } from "../../files/form-data";
import { readForm } from "../../files/form-upload";
import { streamToR2WithoutLength } from "../../files/r2-multipart";
import { resolveRange } from "../../files/range";
import { type StoredBytes, streamToR2 } from "../../files/store";
import type { File } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch } from "../../http/etag";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { requestPreview } from "../../previews/queue";
import { newId } from "../../repositories/d1";
import { getDb } from "../../repositories/db";
import { reachableThread } from "../threads/thread-access";
import { fileNotFound, filesOf, readableFile } from "./file-access";
import { fileToWire } from "./file-wire";
import type {
  createDownloadLink,
  deleteFile,
  downloadFile,
  downloadFileWithLink,
  getFile,
  listFiles,
  uploadFile,
} from "./files.routes";
import { CONTENT_TYPE } from "./files.schemas";
import { declaredLength } from "./request-body";

const DEFAULT_LINK_SECONDS = 300;

/** The SHA-256 a `Content-Digest: sha-256=:<base64>:` header promises, as lowercase hex. */
const promisedSha256 = (header: string | undefined) => {
  const encoded = header ? /sha-256=:([A-Za-z0-9+/]{43}=):/.exec(header)?.[1] : undefined;
  if (!encoded) return undefined;
  return [...Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0))]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
};

const tooLarge = (limit: number) =>
  new ApiError("payload-too-large", `Files sent in one request may be at most ${limit} bytes.`);

const emptyFile = () =>
  new ApiError("validation-error", "The file is empty.", {
    errors: [{ path: "body", message: "A file has at least one byte", code: "too_small" }],
  });

/** The body's declared length: required (R2 takes a stream of known length) and within the limit. */
const uploadLength = (c: Context<AppEnv>) => {
  const length = declaredLength(c);
  const limit = Number(c.env.MAX_UPLOAD_BYTES);
  if (length > limit) throw tooLarge(limit);
  if (length === 0) throw emptyFile();
  return length;
};

const mediaType = (type: string | undefined, what: string) => {
  const trimmed = type?.trim();
  if (!trimmed || trimmed.length > 255 || !CONTENT_TYPE.test(trimmed)) {
    throw new ApiError("unsupported-media-type", `Send ${what} media type as Content-Type, e.g. image/png.`);
  }
  return trimmed;
};

interface Incoming {
  filename: string;
  contentType: string;
  sizeBytes: number;
}

/** Records the upload's row PENDING; answers the R2 key to store its bytes under. */
type Begin = (file: Incoming) => Promise<string>;

interface Received {
  stored: StoredBytes;
  /** The SHA-256 the client promised, lowercase hex. */
  promised: string | undefined;
}

/**
 * One upload into `files/<id>`: `receive` calls `begin` once the file's name and type are known,
 * which records the row PENDING before any byte is stored (an upload that dies half-way leaves a
 * row for the housekeeping to clean up). Any refusal keeps neither the row nor the object.
 */
const receiveFile = async (
  c: Context<AppEnv>,
  threadId: string | undefined,
  receive: (begin: Begin) => Promise<Received>,
) => {
  if (threadId !== undefined) await reachableThread(c, threadId);
  const files = filesOf(c);
  const id = newId();
  const storageKey = `files/${id}`;
  let begun = false;
  const begin: Begin = async (file) => {
    await files.createPending({
      ...file,
      id,
      uploader: actorOf(principalOf(c)),
      threadId: threadId ?? null,
      filename: safeFilename(file.filename),
      storageKey,
    });
    begun = true;
    return storageKey;
  };
  try {
    const { stored, promised } = await receive(begin);
    if (stored.sizeBytes === 0) throw emptyFile();
    if (promised !== undefined && promised !== stored.sha256) {
      throw new ApiError(
        "checksum-mismatch",
        `The bytes received hash to sha-256 ${stored.sha256}, not the ${promised} you sent; nothing was kept.`,
      );
    }
    const file = await requestPreview(c.env, getDb(c.env.DB), await files.markReady(id, stored));
    c.header("Location", `/files/${id}`);
    c.header("ETag", etagFor(file.updatedAt));
    return ok(c, fileToWire(file), Status.CREATED);
  } catch (error) {
    // R2 stores an object whole or not at all; deleting makes sure of "not at all" whatever failed.
    // With R2 itself down that fails too: the hourly housekeeping removes objects without a row.
    await c.env.FILES.delete(storageKey).catch((cause: unknown) =>
      c.get("logger").error("deleting a failed upload's object failed", { key: storageKey, error: String(cause) }),
    );
    if (begun) await files.forget(id);
    throw error;
  }
};

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** The file of a `multipart/form-data` body: its `file` part, streamed; an optional `sha256` field checks it. */
const receiveForm = async (
  c: Context<AppEnv>,
  { boundary, filename, contentDigest }: { boundary: string; filename?: string; contentDigest?: string },
  begin: Begin,
): Promise<Received> => {
  if (contentDigest !== undefined) {
    throw new ApiError("validation-error", "Content-Digest would cover the whole form, not the file.", {
      errors: [
        {
          path: "header.content-digest",
          message: "With multipart/form-data, send the file's SHA-256 as the sha256 field",
          code: "invalid_type",
        },
      ],
    });
  }
  const body = c.req.raw.body;
  if (!body) throw new ApiError("malformed-request", "The multipart/form-data body is empty.");
  const limit = Number(c.env.MAX_UPLOAD_BYTES);
  const { file, fields } = await readForm(body, boundary, {
    fileField: "file",
    textFields: ["sha256"],
    storeFile: async (part, bytes) => {
      const contentType = mediaType(part.contentType ?? "application/octet-stream", "the file part's");
      const name = filename ?? part.filename;
      if (name === undefined || name === "") throw missingFilename("the file part's filename");
      const key = await begin({ filename: name, contentType, sizeBytes: 0 });
      return streamToR2WithoutLength(c.env.FILES, key, bytes, {
        contentType,
        limit: { bytes: limit, tooLong: () => tooLarge(limit) },
      });
    },
  });
  const sha256 = fields.get("sha256");
  if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
    throw new ApiError("validation-error", "The sha256 field is not a SHA-256.", {
      errors: [{ path: "body.sha256", message: "64 hexadecimal digits", code: "invalid_string" }],
    });
  }
  return { stored: file, promised: sha256?.toLowerCase() };
};

const missingFilename = (where: string) =>
  new ApiError("validation-error", `Name the file in ${where} or the filename query parameter.`, {
    errors: [{ path: "query.filename", message: "Required", code: "invalid_type" }],
  });

export const uploadFileHandler: RouteHandler<typeof uploadFile, AppEnv> = async (c) => {
  const { filename, thread_id } = c.req.valid("query");
  const contentType = mediaType(c.req.header("Content-Type"), "the file's");
  const boundary = formDataBoundary(contentType);
  const contentDigest = c.req.valid("header")["content-digest"];
  if (boundary !== null) {
    return receiveFile(c, thread_id, (begin) => receiveForm(c, { boundary, filename, contentDigest }, begin));
  }
  if (filename === undefined) throw missingFilename("the filename query parameter");
  const length = uploadLength(c);
  const promised = promisedSha256(contentDigest);
  const body = c.req.raw.body;
  if (!body) throw new ApiError("length-required", "Send the file as the request body.");
  return receiveFile(c, thread_id, async (begin) => {
    const key = await begin({ filename, contentType, sizeBytes: length });
    return { stored: await streamToR2(c.env.FILES, key, body, { length, contentType }), promised };
  });
};

export const listFilesHandler: RouteHandler<typeof listFiles, AppEnv> = async (c) => {
  const { limit, cursor, thread_id, status } = c.req.valid("query");
  const rows = await filesOf(c).listPage({
    uploader: actorOf(principalOf(c)),
    limit,
    after: cursor ? decodeCursor(cursor) : null,
    threadId: thread_id,
    status,
  });
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(fileToWire), pagination);
};

export const getFileHandler: RouteHandler<typeof getFile, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const file = await readableFile(c, id);
  const etag = etagFor(file.updatedAt);
  c.header("ETag", etag);
  if (matchesIfNoneMatch(c.req.valid("header")["if-none-match"], etag)) return c.body(null, Status.NOT_MODIFIED);
  return ok(c, fileToWire(file), Status.OK);
};

export const deleteFileHandler: RouteHandler<typeof deleteFile, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const principal = principalOf(c);
  const file = await filesOf(c).findById(id);
  if (!file) throw fileNotFound(id);
  const mayDelete =
    principal.kind === "api_key" ? true : principal.role === "ADMIN" || file.uploadedById === principal.id;
  if (!mayDelete) throw fileNotFound(id);
  if (file.status !== "DELETED") {
    // The row first: if D1 fails, the file is still whole; if R2 fails after it, the hourly sweep removes the
    // bytes no row needs. Never a READY file whose bytes are gone.
    await filesOf(c).markDeleted(id);
    await c.env.FILES.delete([file.storageKey, ...(file.previewKey ? [file.previewKey] : [])]).catch((cause: unknown) =>
      c.get("logger").error("deleting a file's objects failed", { file_id: id, error: String(cause) }),
    );
  }
  return c.body(null, Status.NO_CONTENT);
};

/** Streams a READY file from R2: whole, a `Range` of it (206), 304 on a matching ETag, 416 past its end. */
const serveFile = async (c: Context<AppEnv>, file: File, requested: Disposition | undefined, cacheSeconds = 0) => {
  if (file.status !== "READY" || !file.sha256) throw fileNotFound(file.id);
  const etag = `"${file.sha256}"`;
  const common = {
    ETag: etag,
    "Accept-Ranges": "bytes",
    "Cache-Control": cacheSeconds > 0 ? `private, max-age=${cacheSeconds}` : "private, no-cache",
  };
  if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, Status.NOT_MODIFIED, common);

  const range = resolveRange(c.req.header("Range"), file.sizeBytes);
  if (range.kind === "unsatisfiable") {
    throw new ApiError("range-not-satisfiable", `This file has ${file.sizeBytes} bytes.`, {
      headers: { "Content-Range": `bytes */${file.sizeBytes}` },
    });
  }
  const object = await c.env.FILES.get(
    file.storageKey,
    range.kind === "part" ? { range: { offset: range.offset, length: range.length } } : {},
  );
  if (!object) throw fileNotFound(file.id);
  const headers: Record<string, string> = {
    ...common,
    ...USER_CONTENT_HEADERS,
    "Content-Type": file.contentType,
    "Content-Disposition": contentDispositionHeader(dispositionFor(file.contentType, requested), file.filename),
    "Content-Length": String(range.kind === "part" ? range.length : file.sizeBytes),
  };
  if (range.kind === "whole") return c.body(object.body, Status.OK, headers);
  const last = range.offset + range.length - 1;
  headers["Content-Range"] = `bytes ${range.offset}-${last}/${file.sizeBytes}`;
  return c.body(object.body, Status.PARTIAL_CONTENT, headers);
};

export const downloadFileHandler: RouteHandler<typeof downloadFile, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const file = await readableFile(c, id);
  return serveFile(c, file, c.req.valid("query").disposition);
};

export const createDownloadLinkHandler: RouteHandler<typeof createDownloadLink, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const keys = linkKeysFrom(c.env.DOWNLOAD_URL_KEYS);
  if (!keys) {
    throw new ApiError("feature-not-configured", "Signed download links need the DOWNLOAD_URL_KEYS secret.");
  }
  const file = await readableFile(c, id);
  if (file.status !== "READY") throw fileNotFound(id);
  const disposition = dispositionFor(file.contentType, body.disposition);
  const expires = Math.floor(Date.now() / 1000) + (body.expires_in ?? DEFAULT_LINK_SECONDS);
  const link = await signLink(keys, { fileId: id, expires, disposition });
  const url = new URL(`/files/${id}/download`, c.req.url);
  url.search = new URLSearchParams({
    exp: String(link.expires),
    disposition: link.disposition,
    kid: link.kid,
    sig: link.signature,
  }).toString();
  return ok(
    c,
    { url: url.toString(), expires_at: new Date(expires * 1000).toISOString(), disposition },
    Status.CREATED,
  );
};

export const downloadFileWithLinkHandler: RouteHandler<typeof downloadFileWithLink, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { exp, disposition, kid, sig } = c.req.valid("query");
  const keys = linkKeysFrom(c.env.DOWNLOAD_URL_KEYS);
  // A link we cannot verify is no link: the same 404 as a file that does not exist.
  if (!keys || !(await verifyLink(keys, { fileId: id, expires: exp, disposition, kid, signature: sig }))) {
    throw fileNotFound(id);
  }
  const remaining = exp - Math.floor(Date.now() / 1000);
  if (remaining <= 0) throw new ApiError("link-expired", "This download link has expired; ask for a new one.");
  const file = await filesOf(c).findById(id);
  if (!file) throw fileNotFound(id);
  return serveFile(c, file, disposition, remaining);
};

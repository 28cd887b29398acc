import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { deletableFile, fileNotFound, readableFile } from "../../auth/file-access";
import { keyringFrom } from "../../auth/keyring";
import type { AppEnv } from "../../env";
import {
  contentDispositionHeader,
  type Disposition,
  dispositionFor,
  USER_CONTENT_HEADERS,
} from "../../files/disposition";
import { signLink, verifyLink } from "../../files/download-links";
import { receiveUpload } from "../../files/file-upload";
import { resolveRange } from "../../files/range";
import type { File } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { etagFor, matchesIfNoneMatch } from "../../http/etag";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { errorMessage } from "../../logging";
import { actorOf } from "../../principal";
import { repositories } from "../../repositories";
import { fileToWire } from "../../wire/files";
import type {
  createDownloadLink,
  deleteFile,
  downloadFile,
  downloadFileWithLink,
  getFile,
  listFiles,
  uploadFile,
} from "./files.routes";

const DEFAULT_LINK_SECONDS = 300;

export const uploadFileHandler: RouteHandler<typeof uploadFile, AppEnv> = async (c) => {
  const { filename, thread_id } = c.req.valid("query");
  const file = await receiveUpload(c, {
    filename,
    threadId: thread_id,
    contentDigest: c.req.valid("header")["content-digest"],
  });
  c.header("Location", `/files/${file.id}`);
  c.header("ETag", etagFor(file.updatedAt));
  return ok(c, fileToWire(file), Status.CREATED);
};

export const listFilesHandler: RouteHandler<typeof listFiles, AppEnv> = async (c) => {
  const { limit, cursor, thread_id, status } = c.req.valid("query");
  const rows = await repositories(c).files.listPage({
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
  const file = await deletableFile(c, id);
  if (file.status !== "DELETED") {
    // The row first: if D1 fails, the file is still whole; if R2 fails after it, the hourly sweep removes the
    // bytes no row needs. Never a READY file whose bytes are gone.
    await repositories(c).files.markDeleted(id);
    await c.env.FILES.delete([file.storageKey, ...(file.previewKey ? [file.previewKey] : [])]).catch((cause: unknown) =>
      c.get("logger").error("deleting a file's objects failed", { file_id: id, error: errorMessage(cause) }),
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
  const keys = keyringFrom(c.env.DOWNLOAD_URL_KEYS);
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
  const keys = keyringFrom(c.env.DOWNLOAD_URL_KEYS);
  // A link we cannot verify is no link: the same 404 as a file that does not exist.
  if (!keys || !(await verifyLink(keys, { fileId: id, expires: exp, disposition, kid, signature: sig }))) {
    throw fileNotFound(id);
  }
  const remaining = exp - Math.floor(Date.now() / 1000);
  if (remaining <= 0) throw new ApiError("link-expired", "This download link has expired; ask for a new one.");
  const file = await repositories(c).files.findById(id);
  if (!file) throw fileNotFound(id);
  return serveFile(c, file, disposition, remaining);
};

import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { fileNotFound } from "../../auth/file-access";
import type { AppEnv } from "../../env";
import { requestPreview } from "../../files/preview-request";
import { abortUpload, openUpload, ownUpload, receivePart } from "../../files/resumable-uploads";
import { completeUpload } from "../../files/upload-completion";
import { ok } from "../../http/envelope";
import { etagFor } from "../../http/etag";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import { fileToWire } from "../../wire/files";
import { uploadToWire } from "../../wire/uploads";
import type {
  abortUpload as abortUploadRoute,
  completeUpload as completeUploadRoute,
  createUpload,
  getUpload,
  uploadPart,
} from "./uploads.routes";

export const createUploadHandler: RouteHandler<typeof createUpload, AppEnv> = async (c) => {
  const upload = await openUpload(c, c.req.valid("json"));
  c.header("Location", `/uploads/${upload.id}`);
  return ok(c, uploadToWire(upload, []), Status.CREATED);
};

export const getUploadHandler: RouteHandler<typeof getUpload, AppEnv> = async (c) => {
  const upload = await ownUpload(c, c.req.valid("param").id);
  return ok(c, uploadToWire(upload, await repositories(c).uploads.parts(upload.id)), Status.OK);
};

export const uploadPartHandler: RouteHandler<typeof uploadPart, AppEnv> = async (c) => {
  const { id, part_number: partNumber } = c.req.valid("param");
  return ok(c, await receivePart(c, await ownUpload(c, id), partNumber), Status.OK);
};

/** The upload's file: 201 when this call made it; 200 when it was made before (a retry whose answer was lost). */
const answerFile = async (c: Context<AppEnv>, fileId: string, created: boolean) => {
  const found = await repositories(c).files.findById(fileId);
  if (!found) throw fileNotFound(fileId);
  // Asked once the file exists; again only if the call that made it failed before asking.
  const file = created || found.previewStatus === null ? await requestPreview(c, found) : found;
  c.header("Location", `/files/${file.id}`);
  c.header("ETag", etagFor(file.updatedAt));
  return created ? ok(c, fileToWire(file), Status.CREATED) : ok(c, fileToWire(file), Status.OK);
};

export const completeUploadHandler: RouteHandler<typeof completeUploadRoute, AppEnv> = async (c) => {
  const { fileId, created } = await completeUpload(c, await ownUpload(c, c.req.valid("param").id));
  return answerFile(c, fileId, created);
};

export const abortUploadHandler: RouteHandler<typeof abortUploadRoute, AppEnv> = async (c) => {
  await abortUpload(c, await ownUpload(c, c.req.valid("param").id));
  return c.body(null, Status.NO_CONTENT);
};

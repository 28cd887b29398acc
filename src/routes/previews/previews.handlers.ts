import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { readableFile } from "../../auth/file-access";
import type { AppEnv } from "../../env";
import { USER_CONTENT_HEADERS } from "../../files/disposition";
import { requestPreview } from "../../files/preview-request";
import type { File } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import type { Preview } from "../../wire/previews";
import type { getFilePreview, getFileThumbnail } from "./previews.routes";

const RETRY_AFTER_SECONDS = 2;

/**
 * The file's preview once it is READY; otherwise the answer that says where it stands: 202 while
 * pending (asking for it first when nobody has yet), 404 when there is none, 503 when previews are
 * not configured here.
 */
const readyPreview = async (c: Context<AppEnv>, id: string): Promise<{ file: File; preview: Preview } | Response> => {
  let file = await readableFile(c, id);
  if (file.status !== "READY") throw new ApiError("preview-unavailable", "The file is not stored yet.");
  if (file.previewStatus === null) {
    if (!c.env.PREVIEWS) throw new ApiError("feature-not-configured", "Previews need the PREVIEWS queue binding.");
    file = await requestPreview(c, file);
  }
  switch (file.previewStatus) {
    case "READY":
      return { file, preview: file.preview as Preview };
    case "UNSUPPORTED":
    case "FAILED":
      throw new ApiError(
        "preview-unavailable",
        (file.preview as { reason?: string } | null)?.reason ?? "There is none.",
      );
    default:
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return ok(c, { status: "PENDING" as const, retry_after: RETRY_AFTER_SECONDS }, Status.ACCEPTED);
  }
};

export const getFilePreviewHandler: RouteHandler<typeof getFilePreview, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const ready = await readyPreview(c, id);
  if (ready instanceof Response) return ready;
  const { preview } = ready;
  const wire =
    preview.kind === "image"
      ? { ...preview, thumbnail: { ...preview.thumbnail, url: `/files/${id}/preview/thumbnail` } }
      : preview;
  return ok(c, wire, Status.OK);
};

export const getFileThumbnailHandler: RouteHandler<typeof getFileThumbnail, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const ready = await readyPreview(c, id);
  if (ready instanceof Response) return ready;
  if (!ready.file.previewKey) throw new ApiError("preview-unavailable", "Only images have a thumbnail.");
  const object = await c.env.FILES.get(ready.file.previewKey);
  if (!object) throw new ApiError("preview-unavailable", "The thumbnail is missing.");
  return c.body(object.body, Status.OK, {
    ...USER_CONTENT_HEADERS,
    "Content-Type": "image/png",
    "Cache-Control": "private, max-age=3600",
  });
};

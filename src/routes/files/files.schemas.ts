import { z } from "@hono/zod-openapi";
import { envelope, Id, PageQuery, pageEnvelope } from "../../schemas/common";
import {
  DispositionSchema,
  DownloadLinkSchema,
  downloadLinkExample,
  FileSchema,
  FileStatusSchema,
  fileExample,
} from "../../wire/files";

/** Bytes, up to the largest file an upload can make (5 GiB: R2's single-object limit for one request). */
export const binary = { schema: { type: "string" as const, format: "binary", maxLength: 5_368_709_120 } };

/** A file's name as sent; stored sanitised. */
export const Filename = z.string().min(1).max(1024).openapi({
  description: "The file's name; stored sanitised (no path, no control or reserved characters, ≤ 255 bytes).",
  example: "q3-churn.pdf",
});

export const UploadQuery = z.object({
  filename: Filename.optional().openapi({
    param: { name: "filename", in: "query" },
    description:
      "The file's name; stored sanitised (no path, no control or reserved characters, ≤ 255 bytes). Required for a raw body; for `multipart/form-data` it overrides the file part's filename.",
  }),
  thread_id: Id.optional().openapi({
    param: { name: "thread_id", in: "query" },
    description: "Upload into this thread (one you can write to): the file then belongs to it.",
  }),
});

/** Content-Type and Content-Length are read by the handler: OpenAPI ignores them as parameters. */
export const UploadHeaders = z.object({
  "content-digest": z
    .string()
    .max(512)
    .regex(/(^|,)\s*sha-256=:[A-Za-z0-9+/]{43}=:/, "Send sha-256=:<base64 of the SHA-256>: (RFC 9530)")
    .optional()
    .openapi({
      param: { in: "header" },
      description:
        "Optional integrity check (RFC 9530): `sha-256=:<base64>:`. When the bytes received hash differently, nothing is kept and the answer is 422.",
      example: "sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:",
    }),
});

export const ListFilesQuery = PageQuery.extend({
  thread_id: Id.optional().openapi({
    param: { name: "thread_id", in: "query" },
    description: "Only files of this thread.",
  }),
  status: FileStatusSchema.optional().openapi({
    param: { name: "status", in: "query" },
    description: "Only files with this status.",
  }),
});

export const DownloadQuery = z.object({
  disposition: DispositionSchema.optional().openapi({ param: { name: "disposition", in: "query" } }),
});

export const CreateLinkBody = z
  .strictObject({
    disposition: DispositionSchema.optional(),
    expires_in: z
      .int()
      .min(60)
      .max(3600)
      .optional()
      .openapi({ description: "Seconds the link works, 60–3600 (default 300).", format: "int32", example: 300 }),
  })
  .openapi("CreateDownloadLinkRequest", { example: { disposition: "inline", expires_in: 300 } });

export const SignedDownloadQuery = z.object({
  exp: z.coerce
    .number()
    .int()
    .min(0)
    .max(99_999_999_999)
    .openapi({ param: { name: "exp", in: "query" }, format: "int64" }),
  disposition: DispositionSchema.openapi({ param: { name: "disposition", in: "query" } }),
  kid: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "kid", in: "query" } }),
  sig: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "sig", in: "query" } }),
});

export const FileResponse = envelope(FileSchema, "FileResponse", fileExample);
export const FilePage = pageEnvelope(FileSchema, "FilePage", fileExample);
export const DownloadLinkResponse = envelope(DownloadLinkSchema, "DownloadLinkResponse", downloadLinkExample);

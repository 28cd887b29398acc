import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../../schemas/actor";
import { envelope, Id, PageQuery, pageEnvelope, Timestamp } from "../../schemas/common";

export const FileStatusSchema = z.enum(["PENDING", "READY", "FAILED", "DELETED"]).openapi("FileStatus", {
  description:
    "PENDING while its bytes stream in; READY once stored (only then can it be downloaded or attached); FAILED when an upload broke off; DELETED once removed (its bytes are gone).",
});

export const Sha256 = z
  .string()
  .length(64)
  .regex(/^[0-9a-f]{64}$/)
  .openapi({
    description: "SHA-256 of the bytes, lowercase hex.",
    example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  });

export const PreviewStatusSchema = z.enum(["PENDING", "READY", "UNSUPPORTED", "FAILED"]).openapi("PreviewStatus", {
  description:
    "Of the file's preview: PENDING while it is made, READY, UNSUPPORTED (no preview for this type) or FAILED; null before one is asked for (or when previews are not configured).",
});

export const FileSchema = z
  .object({
    id: Id,
    filename: z
      .string()
      .min(1)
      .max(255)
      .openapi({ example: "q3-churn.pdf", description: "Sanitised: no directories or control characters." }),
    content_type: z.string().max(255).openapi({ example: "application/pdf" }),
    size_bytes: z.int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: "int64", example: 48213 }),
    sha256: Sha256.nullable().openapi({ description: "Null until the upload completes." }),
    status: FileStatusSchema,
    thread_id: Id.nullable().openapi({
      description: "The thread it was uploaded into, if any (deleting the thread deletes it).",
    }),
    uploaded_by: ActorSchema.nullable().openapi({ description: "Who uploaded it; null once that user was deleted." }),
    preview_status: PreviewStatusSchema.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("File");

/** Bytes, up to the largest file an upload can make (5 GiB: R2's single-object limit for one request). */
export const binary = { schema: { type: "string" as const, format: "binary", maxLength: 5_368_709_120 } };

/** A media type, `type/subtype` with optional parameters. */
// Case classes spelled out rather than a flag: the spec's `pattern` cannot carry one.
export const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;[^\r\n]*)?$/;

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

export const DispositionSchema = z.enum(["inline", "attachment"]).openapi("Disposition", {
  description:
    "`attachment` (default): a download. `inline`: shown in place — only for passive types (PNG, JPEG, GIF, WebP, AVIF, PDF, plain text, audio, video); anything else (HTML, SVG, XML, JavaScript, …) is always an attachment.",
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

export const DownloadLinkSchema = z
  .object({
    url: z
      .url()
      .max(2048)
      .openapi({ description: "Works without credentials until `expires_at`; treat it as a secret." }),
    expires_at: Timestamp,
    disposition: DispositionSchema,
  })
  .openapi("DownloadLink");

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

const fileExample: z.input<typeof FileSchema> = {
  id: "cmif7vj3k0000file00000001",
  filename: "q3-churn.pdf",
  content_type: "application/pdf",
  size_bytes: 48213,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  status: "READY",
  thread_id: null,
  uploaded_by: { type: "user", id: "cmif7vj3k0000abcd12345678" },
  preview_status: "READY",
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

export const FileResponse = envelope(FileSchema, "FileResponse", fileExample);
export const FilePage = pageEnvelope(FileSchema, "FilePage", fileExample);
export const DownloadLinkResponse = envelope(DownloadLinkSchema, "DownloadLinkResponse", {
  url: "https://api.experience-layer.dev/files/cmif7vj3k0000file00000001/download?exp=1764064800&disposition=inline&kid=2026-11&sig=3q2-7w",
  expires_at: "2026-11-25T10:05:00.000Z",
  disposition: "inline",
});

import { z } from "@hono/zod-openapi";
import { Counter } from "../schemas/common";

export const PREVIEW_LIMITS = {
  /** Longest side of a thumbnail; the aspect ratio is kept and images are never enlarged. */
  thumbnailSide: 320,
  excerptLines: 20,
  excerptChars: 2000,
  /** Bytes read for an excerpt. */
  excerptBytes: 65_536,
  /** Bytes read to count CSV rows or PDF pages: beyond it the count is unknown (null). */
  scanBytes: 52_428_800,
} as const;

/** The types (their essence: `image/png`, not `image/PNG; q=1`) a preview is made for, by the preview's kind. */
export const PREVIEW_TYPES = {
  image: new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]),
  text: new Set(["text/plain", "text/markdown", "application/json", "text/x-markdown"]),
  csv: new Set(["text/csv"]),
  pdf: new Set(["application/pdf"]),
} as const;

export const hasPreview = (essence: string) => Object.values(PREVIEW_TYPES).some((types) => types.has(essence));

/** Why a file of a type without previews has none (its `preview` when UNSUPPORTED). */
export const noPreviewFor = (essence: string) => ({ reason: `There is no preview for ${essence} files.` });

const Dimension = z.int().min(1).max(100_000).openapi({ format: "int32" });
const Excerpt = z
  .string()
  .max(PREVIEW_LIMITS.excerptChars)
  .openapi({
    description: `The first ${PREVIEW_LIMITS.excerptLines} lines, at most ${PREVIEW_LIMITS.excerptChars} characters.`,
  });
const Truncated = z.boolean().openapi({ description: "Whether there is more than the excerpt shows." });

export const FilePreviewSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("image"),
        width: Dimension,
        height: Dimension,
        format: z.string().max(64).openapi({ example: "image/png" }),
        thumbnail: z.object({
          width: Dimension,
          height: Dimension,
          content_type: z.literal("image/png"),
          url: z.string().max(256).openapi({ description: "Path of the thumbnail (with the same credentials)." }),
        }),
      })
      .openapi("ImagePreview", {
        description: `Dimensions, and a PNG thumbnail whose longest side is at most ${PREVIEW_LIMITS.thumbnailSide} pixels (aspect ratio kept, never enlarged).`,
      }),
    z.object({ kind: z.literal("text"), excerpt: Excerpt, truncated: Truncated }).openapi("TextPreview", {
      description: "Plain text, Markdown or JSON: the first lines.",
    }),
    z
      .object({
        kind: z.literal("csv"),
        columns: z.array(z.string().max(PREVIEW_LIMITS.excerptChars)).max(100),
        row_count: Counter.nullable().openapi({
          description: `Rows after the header; null for files over ${PREVIEW_LIMITS.scanBytes / 1_048_576} MiB.`,
        }),
        excerpt: Excerpt,
        truncated: Truncated,
      })
      .openapi("CsvPreview", { description: "The header's columns, the number of rows and the first lines." }),
    z
      .object({
        kind: z.literal("pdf"),
        page_count: Counter.nullable().openapi({
          description: "Counted where cheap (page objects written in the open); null when it is not.",
        }),
      })
      .openapi("PdfPreview"),
  ])
  .openapi("FilePreview");

export const PreviewPendingSchema = z
  .object({
    status: z.literal("PENDING"),
    retry_after: z
      .int()
      .min(1)
      .max(60)
      .openapi({ format: "int32", description: "Seconds to wait before asking again." }),
  })
  .openapi("FilePreviewPending");

/**
 * The preview of one file as stored on its row: the wire object without the thumbnail's URL, which the answer
 * adds (it depends on the request).
 */
export type Preview =
  z.infer<typeof FilePreviewSchema> extends infer Wire
    ? Wire extends { kind: "image"; thumbnail: infer Thumbnail }
      ? Omit<Wire, "thumbnail"> & { thumbnail: Omit<Thumbnail, "url"> }
      : Wire
    : never;

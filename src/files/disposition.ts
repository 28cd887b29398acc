import { create as contentDisposition } from "content-disposition";
import sanitize from "sanitize-filename";
import { essenceOf } from "./signature";

/**
 * Types a browser may render in place without running anything of the uploader's. Everything else
 * (HTML, SVG, XML, JavaScript, and whatever we do not know) is only ever served as an attachment.
 */
const PASSIVE =
  /^(image\/(png|jpeg|gif|webp|avif)|application\/pdf|text\/plain|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)$/;

export type Disposition = "inline" | "attachment";

export const canBeInline = (contentType: string) => PASSIVE.test(essenceOf(contentType));

/** What a download may be served as: inline only when asked for and the type is passive. */
export const dispositionFor = (contentType: string, requested: Disposition | undefined): Disposition =>
  requested === "inline" && canBeInline(contentType) ? "inline" : "attachment";

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
export const contentDispositionHeader = (disposition: Disposition, filename: string) =>
  contentDisposition(filename, { type: disposition });

/**
 * A name safe to store and to send back: no directories, control or reserved characters, at most
 * 255 bytes; "file" when nothing is left.
 */
export const safeFilename = (name: string): string => {
  const base = name.split(/[/\\]/).at(-1) ?? "";
  return sanitize(base.normalize("NFC")).trim() || "file";
};

/**
 * Headers for user content: it is data, never a page of ours. `sandbox` with no sources means a
 * browser that renders it anyway runs nothing and loads nothing.
 */
export const USER_CONTENT_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; media-src 'self'; sandbox",
  "X-Content-Type-Options": "nosniff",
} as const;

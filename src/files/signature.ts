import { fileTypeFromBuffer, supportedMimeTypes } from "file-type";

/** Leading bytes `file-type` needs to recognise every format it knows. */
export const SNIFF_BYTES = 4100;

/** Other names clients use for a type `file-type` reports. */
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "audio/mp3": "audio/mpeg",
  "application/x-zip-compressed": "application/zip",
  "application/x-pdf": "application/pdf",
};

/** Formats stored in a ZIP container: their first bytes may only show the ZIP. */
const ZIP_BASED =
  /^application\/(zip|epub\+zip|java-archive|vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+)$/;

/** `image/PNG; charset=x` → `image/png`, with aliases resolved. */
export const essenceOf = (contentType: string): string => {
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return ALIASES[essence] ?? essence;
};

const sameFormat = (declared: string, detected: string) =>
  declared === detected || (ZIP_BASED.test(declared) && ZIP_BASED.test(detected));

/**
 * Why the leading bytes of an upload contradict its declared type, or null when they do not: bytes
 * of a recognisable format must be that format, and a declared format that `file-type` recognises
 * must show its signature (so HTML sent as `image/png` is refused). Types it cannot recognise, text
 * among them, pass; they are served as attachments unless known to be passive (see disposition.ts).
 * `application/octet-stream` promises nothing and passes.
 */
export const signatureProblem = async (declared: string, head: Uint8Array): Promise<string | null> => {
  const type = essenceOf(declared);
  if (type === "application/octet-stream") return null;
  const detected = await fileTypeFromBuffer(head);
  if (detected) {
    const format = essenceOf(detected.mime);
    return sameFormat(type, format) ? null : `The bytes are ${detected.mime}, not ${type}.`;
  }
  return (supportedMimeTypes as ReadonlySet<string>).has(type) ? `The bytes are not ${type}.` : null;
};

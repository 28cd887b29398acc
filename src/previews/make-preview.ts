import type { Bindings } from "../env";
import { essenceOf } from "../files/signature";
import type { File, PreviewStatus } from "../generated/prisma/client";
import { errorMessage } from "../logging";
import { noPreviewFor, PREVIEW_LIMITS, PREVIEW_TYPES, type Preview } from "../wire/previews";

export interface PreviewOutcome {
  status: Exclude<PreviewStatus, "PENDING">;
  /** The preview, or `{ reason }` when there is none. */
  preview: Preview | { reason: string };
  /** R2 key of a thumbnail written for it. */
  previewKey: string | null;
}

/** A reason there is no preview, which retrying will not change. */
export class NoPreview extends Error {}

const thumbnailKey = (fileId: string) => `previews/${fileId}.png`;

const bodyOf = async (env: Bindings, file: File, length?: number) => {
  const object = await env.FILES.get(file.storageKey, length === undefined ? {} : { range: { offset: 0, length } });
  if (!object) throw new NoPreview("The file's bytes are missing.");
  return object.body;
};

const firstLines = (text: string) => {
  const lines = text.split(/\r?\n/);
  const kept = lines.slice(0, PREVIEW_LIMITS.excerptLines).join("\n");
  const excerpt = kept.slice(0, PREVIEW_LIMITS.excerptChars);
  return { excerpt, truncated: lines.length > PREVIEW_LIMITS.excerptLines || kept.length > excerpt.length };
};

const excerptOf = async (env: Bindings, file: File) => {
  const head = new Uint8Array(await new Response(await bodyOf(env, file, PREVIEW_LIMITS.excerptBytes)).arrayBuffer());
  const { excerpt, truncated } = firstLines(new TextDecoder().decode(head));
  return { excerpt, truncated: truncated || file.sizeBytes > head.byteLength };
};

/** The fields of one CSV line (RFC 4180: quoted fields, doubled quotes). */
export const csvFields = (line: string): string[] => {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
};

/** Feeds `stream` to `onChunk` chunk by chunk; false (and the stream cancelled) past `limit` bytes. */
const scan = async (stream: ReadableStream<Uint8Array>, limit: number, onChunk: (chunk: Uint8Array) => void) => {
  let seen = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    seen += value.byteLength;
    if (seen > limit) {
      await reader.cancel();
      return false;
    }
    onChunk(value);
  }
};

/** Records in a CSV stream (newlines inside quotes do not end one), up to `limit` bytes; null beyond. */
export const countCsvRecords = async (stream: ReadableStream<Uint8Array>, limit: number) => {
  let records = 0;
  let quoted = false;
  let pending = false; // a record has started and not ended
  const whole = await scan(stream, limit, (chunk) => {
    for (const byte of chunk) {
      if (byte === 0x22) quoted = !quoted;
      if (byte === 0x0a && !quoted) {
        records++;
        pending = false;
      } else if (byte !== 0x0d) pending = true;
    }
  });
  return whole ? records + (pending ? 1 : 0) : null;
};

const csvPreview = async (env: Bindings, file: File): Promise<Preview> => {
  const { excerpt, truncated } = await excerptOf(env, file);
  const header = excerpt.split(/\r?\n/)[0] ?? "";
  const records = await countCsvRecords(await bodyOf(env, file), PREVIEW_LIMITS.scanBytes);
  return {
    kind: "csv",
    columns: csvFields(header).slice(0, 100),
    row_count: records === null ? null : Math.max(records - 1, 0),
    excerpt,
    truncated,
  };
};

/**
 * Pages of a PDF where that is cheap: page objects written in the open (`/Type /Page`). PDFs that
 * keep them in compressed object streams show none: the count is then unknown (null), not 0.
 */
export const countPdfPages = async (stream: ReadableStream<Uint8Array>, limit: number) => {
  const decoder = new TextDecoder("latin1");
  // At most 15 characters, so one that starts 16 characters before the end of the text is whole, with
  // the character its lookahead needs.
  const pattern = /\/Type\s{0,4}\/Page(?![a-zA-Z])/g;
  let pages = 0;
  let tail = "";
  const whole = await scan(stream, limit, (chunk) => {
    // A marker can straddle chunks: count those that start before the last 16 characters, and
    // carry those characters into the next round.
    const text = tail + decoder.decode(chunk, { stream: true });
    const cut = Math.max(0, text.length - 16);
    pages += [...text.matchAll(pattern)].filter((match) => match.index < cut).length;
    tail = text.slice(cut);
  });
  if (!whole) return null;
  pages += [...tail.matchAll(pattern)].length;
  return pages === 0 ? null : pages;
};

const imagePreview = async (env: Bindings, file: File): Promise<PreviewOutcome> => {
  const images = env.IMAGES;
  if (!images) throw new NoPreview("Image previews need the IMAGES binding, which is not configured.");
  let info: ImageInfoResponse;
  try {
    info = await images.info(await bodyOf(env, file));
  } catch (error) {
    throw new NoPreview(`The image could not be read: ${errorMessage(error)}`);
  }
  if (!("width" in info)) throw new NoPreview("The image has no dimensions.");
  const side = PREVIEW_LIMITS.thumbnailSide;
  const output = await images
    .input(await bodyOf(env, file))
    .transform({ width: side, height: side, fit: "scale-down" })
    .output({ format: "image/png" });
  const thumbnail = new Uint8Array(await output.response().arrayBuffer());
  const thumbnailInfo = await images.info(new Blob([thumbnail]).stream());
  const key = thumbnailKey(file.id);
  await env.FILES.put(key, thumbnail, { httpMetadata: { contentType: "image/png" } });
  return {
    status: "READY",
    previewKey: key,
    preview: {
      kind: "image",
      width: info.width,
      height: info.height,
      format: info.format,
      thumbnail: {
        width: "width" in thumbnailInfo ? thumbnailInfo.width : info.width,
        height: "height" in thumbnailInfo ? thumbnailInfo.height : info.height,
        content_type: "image/png",
      },
    },
  };
};

/**
 * The preview of a READY file, by its type: a thumbnail and dimensions for images (Cloudflare
 * Images), the first lines of text, Markdown and JSON, the header, row count and first lines of
 * CSV, the page count of a PDF where it is cheap. Other types, and images we cannot read, have none.
 */
export const makePreview = async (env: Bindings, file: File): Promise<PreviewOutcome> => {
  const type = essenceOf(file.contentType);
  try {
    if (PREVIEW_TYPES.image.has(type)) return await imagePreview(env, file);
    if (PREVIEW_TYPES.text.has(type))
      return { status: "READY", preview: { kind: "text", ...(await excerptOf(env, file)) }, previewKey: null };
    if (PREVIEW_TYPES.csv.has(type)) return { status: "READY", preview: await csvPreview(env, file), previewKey: null };
    if (PREVIEW_TYPES.pdf.has(type)) {
      const pages = await countPdfPages(await bodyOf(env, file), PREVIEW_LIMITS.scanBytes);
      return { status: "READY", preview: { kind: "pdf", page_count: pages }, previewKey: null };
    }
  } catch (error) {
    if (error instanceof NoPreview) return { status: "FAILED", preview: { reason: error.message }, previewKey: null };
    throw error;
  }
  return { status: "UNSUPPORTED", preview: noPreviewFor(type), previewKey: null };
};

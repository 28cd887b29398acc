import type { Context } from "hono";
import { principalOf } from "../auth/access";
import { reachableThread } from "../auth/thread-access";
import type { AppEnv } from "../env";
import type { File } from "../generated/prisma/client";
import { ApiError } from "../http/api-error";
import { errorMessage } from "../logging";
import { actorOf } from "../principal";
import { repositories } from "../repositories";
import { newId } from "../repositories/d1";
import { CONTENT_TYPE } from "../schemas/common";
import { safeFilename } from "./disposition";
import { formDataBoundary } from "./form-data";
import { readForm } from "./form-upload";
import { largeChunks } from "./large-chunks";
import { firstPreview, queuePreview } from "./preview-request";
import { streamToR2WithoutLength } from "./r2-multipart";
import { declaredLength } from "./request-body";
import { type StoredBytes, streamToR2 } from "./store";

// The upload pipeline of POST /files: a raw body or a form's file part, streamed to R2 through the SHA-256, the
// declared type's check and the size limit, recorded as a file row that becomes READY only when all of it holds.

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
): Promise<File> => {
  if (threadId !== undefined) await reachableThread(c, threadId);
  const files = repositories(c).files;
  const id = newId();
  const storageKey = `files/${id}`;
  let begun: Incoming | undefined;
  const begin: Begin = async (file) => {
    await files.createPending({
      ...file,
      id,
      uploader: actorOf(principalOf(c)),
      threadId: threadId ?? null,
      filename: safeFilename(file.filename),
      storageKey,
    });
    begun = file;
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
    if (!begun) throw new Error("an upload's bytes were stored before its row was recorded");
    return await queuePreview(c, await files.markReady(id, stored, firstPreview(c.env, begun.contentType)));
  } catch (error) {
    // R2 stores an object whole or not at all; deleting makes sure of "not at all" whatever failed.
    // With R2 itself down that fails too: the hourly housekeeping removes objects without a row.
    await c.env.FILES.delete(storageKey).catch((cause: unknown) =>
      c
        .get("logger")
        .error("deleting a failed upload's object failed", { key: storageKey, error: errorMessage(cause) }),
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
  const { file, fields } = await readForm(largeChunks(body), boundary, {
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

/**
 * `POST /files`: the file of a raw body (its type as Content-Type, its length as Content-Length, an optional
 * `Content-Digest`) or of a `multipart/form-data` body, streamed to R2 through its checks; the READY file row.
 */
export const receiveUpload = async (
  c: Context<AppEnv>,
  { filename, threadId, contentDigest }: { filename?: string; threadId?: string; contentDigest?: string },
): Promise<File> => {
  const contentType = mediaType(c.req.header("Content-Type"), "the file's");
  const boundary = formDataBoundary(contentType);
  if (boundary !== null) {
    return receiveFile(c, threadId, (begin) => receiveForm(c, { boundary, filename, contentDigest }, begin));
  }
  if (filename === undefined) throw missingFilename("the filename query parameter");
  const length = uploadLength(c);
  const promised = promisedSha256(contentDigest);
  const body = c.req.raw.body;
  if (!body) throw new ApiError("length-required", "Send the file as the request body.");
  return receiveFile(c, threadId, async (begin) => {
    const key = await begin({ filename, contentType, sizeBytes: length });
    return { stored: await streamToR2(c.env.FILES, key, body, { length, contentType }), promised };
  });
};

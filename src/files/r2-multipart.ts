import type { ApiError } from "../http/api-error";
import { R2_MIN_PART_BYTES } from "../wire/uploads";
import { ByteCheck, checked, concat, type StoredBytes } from "./store";

/**
 * Stores a stream of unknown length in R2 (a `put` needs the length up front): bytes are gathered
 * into parts of `partBytes`, each sent as a part of a multipart upload once full, so at most one
 * part is held in memory. A stream shorter than one part is a single `put`. If anything fails, the
 * multipart upload is aborted and nothing is stored.
 */
export const putStream = async (
  bucket: R2Bucket,
  key: string,
  chunks: AsyncIterable<Uint8Array>,
  options: { contentType: string; partBytes?: number },
): Promise<void> => {
  const partBytes = options.partBytes ?? R2_MIN_PART_BYTES;
  const httpMetadata = { contentType: options.contentType };
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let upload: R2MultipartUpload | undefined;
  const parts: R2UploadedPart[] = [];
  const sendPart = async (bytes: Uint8Array) => {
    upload ??= await bucket.createMultipartUpload(key, { httpMetadata });
    parts.push(await upload.uploadPart(parts.length + 1, bytes));
  };
  try {
    for await (const value of chunks) {
      pending.push(value);
      pendingBytes += value.byteLength;
      // Strictly more than a part: whatever is left at the end (1 to partBytes bytes) is the last part.
      while (pendingBytes > partBytes) {
        const joined = concat(pending);
        await sendPart(joined.subarray(0, partBytes));
        pending = [joined.subarray(partBytes)];
        pendingBytes = joined.byteLength - partBytes;
      }
    }
    if (!upload) {
      await bucket.put(key, concat(pending), { httpMetadata });
      return;
    }
    await sendPart(concat(pending));
    await upload.complete(parts);
  } catch (error) {
    // Best effort: R2 also drops an incomplete multipart upload by itself after a week.
    await upload?.abort().catch(() => undefined);
    throw error;
  }
};

/**
 * A stream of unknown length (a form's file part) into R2, checked on the way (ByteCheck): at most `limit.bytes`,
 * counted, hashed and type-checked. A refusal rejects, and nothing is stored.
 */
export const streamToR2WithoutLength = async (
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  { contentType, limit }: { contentType: string; limit: { bytes: number; tooLong: () => ApiError } },
): Promise<StoredBytes> => {
  const check = new ByteCheck({ contentType, limit });
  await putStream(bucket, key, checked(body, check), { contentType });
  return check.result();
};

import { ApiError } from "../http/api-error";
import { FormDataParser, type FormEvent, strictUtf8 } from "./form-data";
import { concat } from "./store";

/** The file part's own headers. */
export interface FilePart {
  filename: string | undefined;
  contentType: string | undefined;
}

export interface FormSpec<T> {
  /** The name of the one file part. */
  fileField: string;
  /** The text fields accepted besides it (each at most MAX_FIELD_BYTES, at most once). */
  textFields: readonly string[];
  /**
   * Called when the file part starts, with its bytes as they arrive: the form is read no further
   * than the file's end until it has consumed them and settled.
   */
  storeFile: (part: FilePart, bytes: ReadableStream<Uint8Array>) => Promise<T>;
}

/** A text field's largest value, in bytes (the fields here are checksums and ids). */
export const MAX_FIELD_BYTES = 1024;

const invalidField = (name: string, message: string, code: string) =>
  new ApiError("validation-error", `The form field ${name}: ${message}`, {
    errors: [{ path: `body.${name}`, message, code }],
  });

/**
 * Reads a `multipart/form-data` body with one file part and a few small text fields, streaming the
 * file into `storeFile` with backpressure: the next chunk of the request is read only once the last
 * one's file bytes were taken, so memory holds a chunk or two, never the file. Unknown, repeated or
 * oversized fields are 400s; a form without the file part too.
 */
export const readForm = async <T>(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  spec: FormSpec<T>,
): Promise<{ file: T; fields: Map<string, string> }> => {
  const parser = new FormDataParser(boundary);
  const fields = new Map<string, string>();
  let file: { writer: WritableStreamDefaultWriter<Uint8Array>; stored: Promise<T> } | undefined;
  let result: { value: T } | undefined;
  let current: { kind: "file" } | { kind: "field"; name: string; chunks: Uint8Array[]; bytes: number } | undefined;

  const handle = async (event: FormEvent) => {
    if (event.type === "part") {
      if (event.name === spec.fileField) {
        if (file) throw invalidField(event.name, "send one file per request", "too_big");
        const pipe = new TransformStream<Uint8Array, Uint8Array>();
        file = { writer: pipe.writable.getWriter(), stored: spec.storeFile(event, pipe.readable) };
        // Awaited below; this only keeps an early rejection from being reported as unhandled.
        file.stored.catch(() => undefined);
        current = { kind: "file" };
      } else if (spec.textFields.includes(event.name)) {
        if (fields.has(event.name)) throw invalidField(event.name, "send it once", "duplicate");
        current = { kind: "field", name: event.name, chunks: [], bytes: 0 };
      } else {
        throw invalidField(event.name, "unknown field", "unrecognized_keys");
      }
    } else if (current?.kind === "file" && file) {
      if (event.type === "data") return file.writer.write(event.bytes);
      await file.writer.close();
      result = { value: await file.stored };
      current = undefined;
    } else if (current?.kind === "field") {
      if (event.type === "data") {
        current.bytes += event.bytes.byteLength;
        if (current.bytes > MAX_FIELD_BYTES)
          throw invalidField(current.name, `at most ${MAX_FIELD_BYTES} bytes`, "too_big");
        current.chunks.push(event.bytes);
        return;
      }
      try {
        fields.set(current.name, strictUtf8.decode(concat(current.chunks)));
      } catch {
        throw invalidField(current.name, "not UTF-8 text", "invalid_string");
      }
      current = undefined;
    }
  };

  try {
    // Leaving the loop with an error cancels the body.
    for await (const value of body) for (const event of parser.push(value)) await handle(event);
    parser.finish();
  } catch (error) {
    if (file) {
      await file.writer.abort(error).catch(() => undefined);
      // The store's own refusal (too large, wrong type) is the answer, not the broken pipe it left.
      const outcome = await file.stored.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      if (outcome instanceof ApiError) throw outcome;
    }
    throw error;
  }
  if (!result) throw invalidField(spec.fileField, "the form has no file part", "invalid_type");
  return { file: result.value, fields };
};

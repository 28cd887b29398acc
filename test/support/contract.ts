import { type Schema, Validator } from "@cfworker/json-schema";
import spec from "../../openapi/openapi.json";

/**
 * Checks a response against openapi/openapi.json: the operation and status must be documented, the
 * content type must be one the spec lists (or none for body-less statuses), and the body must match
 * the schema. Every request the integration tests make goes through this (see ./api.ts), so an
 * undocumented response fails the suite.
 */
const SPEC_ID = "https://contract.test/openapi.json";

type MediaTypes = Record<string, { schema?: object }>;
interface ResponseSpec {
  $ref?: string;
  content?: MediaTypes;
  headers?: Record<string, { schema?: { type?: string } }>;
}
interface OperationSpec {
  responses: Record<string, ResponseSpec>;
}

const document = spec as unknown as {
  paths: Record<string, Record<string, OperationSpec>>;
  components: { responses: Record<string, ResponseSpec> };
};

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

const pointerEscape = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * The document as the validator sees it: without `example(s)`, which are data, not schemas (the
 * validator would otherwise read an example's `id` member as a schema id).
 */
const withoutExamples = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutExamples);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "example" && key !== "examples")
      .map(([key, inner]) => [key, withoutExamples(inner)]),
  );
};

/** The spec prepared once, for every validator. */
export const specSchema = withoutExamples(spec) as Schema;

const validators = new Map<string, Validator>();
const validatorFor = (pointer: string) => {
  let validator = validators.get(pointer);
  if (!validator) {
    validator = new Validator({ $ref: `${SPEC_ID}#${pointer}` }, "2020-12", false);
    validator.addSchema(specSchema, SPEC_ID);
    validators.set(pointer, validator);
  }
  return validator;
};

/** The documented response for method + path + status, with the JSON pointer to it. */
const documentedResponse = (method: string, path: string, status: number) => {
  const match = templates.find(({ pattern }) => pattern.test(path));
  if (!match) return { problem: `no path in the spec matches ${path}` } as const;
  const operation = document.paths[match.template]?.[method.toLowerCase()];
  if (!operation) return { problem: `${method} ${match.template} is not a documented operation` } as const;
  const key = String(status) in operation.responses ? String(status) : "default";
  const response = operation.responses[key];
  if (!response) return { problem: `${method} ${match.template} does not document status ${status}` } as const;
  if (response.$ref) {
    const name = response.$ref.replace("#/components/responses/", "");
    const component = document.components.responses[name];
    if (!component) return { problem: `dangling $ref ${response.$ref}` } as const;
    return { response: component, pointer: `/components/responses/${pointerEscape(name)}` } as const;
  }
  return {
    response,
    pointer: `/paths/${pointerEscape(match.template)}/${method.toLowerCase()}/responses/${key}`,
  } as const;
};

const checkBody = async (where: string, response: Response, documented: ResponseSpec, pointer: string) => {
  const streamed = (response.headers.get("Content-Type") ?? "").startsWith("text/event-stream");
  // Not read here (it never ends); dropping this copy lets the stream end when the test lets go of it.
  if (streamed) await response.body?.cancel();
  const body = streamed ? "" : await response.text();
  if (!documented.content) {
    if (body.length > 0) throw new Error(`Contract violation (${where}): body sent where the spec documents none`);
    return;
  }
  const mediaType = (response.headers.get("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
  // An exact media type, else a range the spec documents (`image/*`, `*/*`: a file's own type).
  const media =
    documented.content[mediaType] ??
    documented.content[`${mediaType.split("/")[0]}/*`] ??
    (mediaType === "" ? undefined : documented.content["*/*"]);
  if (!media) {
    const allowed = Object.keys(documented.content).join(", ");
    throw new Error(`Contract violation (${where}): content type "${mediaType}" is not one of ${allowed}`);
  }
  // A live stream never ends: its frames are checked one by one as a test reads them (./event-stream.ts).
  if (!media.schema || !mediaType.includes("json")) return;
  const result = validatorFor(`${pointer}/content/${pointerEscape(mediaType)}/schema`).validate(JSON.parse(body));
  if (!result.valid) {
    const errors = result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join("\n  ");
    throw new Error(`Contract violation (${where}): body does not match the schema\n  ${errors}\n  body: ${body}`);
  }
};

/** Each documented header the response sends must match its schema (numbers are sent as their digits). */
const checkHeaders = (where: string, response: Response, documented: ResponseSpec, pointer: string) => {
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    if (value === null || !header.schema) continue;
    const numeric = header.schema.type === "integer" || header.schema.type === "number";
    const result = validatorFor(`${pointer}/headers/${pointerEscape(name)}/schema`).validate(
      numeric ? Number(value) : value,
    );
    if (!result.valid) {
      const errors = result.errors.map((e) => e.error).join("; ");
      throw new Error(`Contract violation (${where}): header ${name}: ${JSON.stringify(value)} — ${errors}`);
    }
  }
};

/** Throws with every mismatch between the response and the contract. */
export const assertMatchesContract = async (method: string, url: string, response: Response): Promise<void> => {
  const { pathname } = new URL(url);
  const where = `${method} ${pathname} → ${response.status}`;
  const found = documentedResponse(method, pathname, response.status);
  if ("problem" in found) throw new Error(`Contract violation (${where}): ${found.problem}`);
  checkHeaders(where, response, found.response, found.pointer);
  await checkBody(where, response, found.response, found.pointer);
};

/** The documented frames of each kind of live stream: a thread's, a user's own, a chat's (the AI SDK's chunks), AG-UI's. */
export type FrameSchema = "ThreadStreamFrame" | "UserStreamFrame" | "UiMessageChunk" | "AgUiEvent";

/** Throws unless one server-sent event of a live stream is a frame the spec documents for that stream. */
export const assertFrameMatchesContract = (frame: object, schema: FrameSchema = "ThreadStreamFrame") => {
  const result = validatorFor(`/components/schemas/${schema}`).validate(frame);
  if (!result.valid) {
    const errors = result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join("\n  ");
    throw new Error(`Contract violation (stream frame): ${errors}\n  frame: ${JSON.stringify(frame)}`);
  }
};

/**
 * For requests outside every operation (unknown paths, unsupported methods): the answer must still
 * be a problem in the documented shape (the shared NotFound component's content).
 */
export const assertIsProblem = async (response: Response): Promise<void> => {
  const documented = document.components.responses.NotFound;
  if (!documented) throw new Error("the spec has no NotFound response component");
  await checkBody(`problem ${response.status}`, response, documented, "/components/responses/NotFound");
};

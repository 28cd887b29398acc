import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { Status } from "../http/status";
import { Problem, ProblemEnvelope } from "../schemas/problem";

const problem = (description: string, headers?: Record<string, { description: string; schema: object }>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: {
    "application/json": { schema: { $ref: "#/components/schemas/ProblemEnvelope" } },
    "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
  },
});

/** `RateLimit-Policy` (IETF httpapi-ratelimit-headers): spread into a rate-limited route's 2xx `headers`. */
export const rateLimitPolicyHeader = {
  description:
    'The rate-limit policy this operation counts against, e.g. `"writes";q=60;w=60` (quota `q` requests per `w` seconds).',
  schema: { type: "string", maxLength: 256 },
} as const;

/** Every error response of the API, registered once as named components (`#/components/responses/*`). */
const components = {
  BadRequest: problem("The request is malformed or fails validation; `errors` lists every failing field."),
  Unauthorized: problem("No valid credentials: the access token or API key is missing, invalid, expired or revoked.", {
    "WWW-Authenticate": { description: "The Bearer challenge (RFC 6750).", schema: { type: "string", maxLength: 256 } },
  }),
  Forbidden: problem("The credentials are valid but their role or API-key scope does not allow this operation."),
  NotFound: problem("The resource does not exist."),
  NotAcceptable: problem(
    "`Accept` allows none of the operation's representations (`not-acceptable`); `detail` lists them. The problem itself is JSON.",
  ),
  Conflict: problem(
    "The request conflicts with current state (a unique field is taken, or an Idempotency-Key is in flight).",
  ),
  PreconditionFailed: problem("`If-Match` does not match the resource's current ETag."),
  PreconditionRequired: problem("The update needs `If-Match` (the ETag you read, or `*`)."),
  Gone: problem("What you asked for existed but is no longer kept (e.g. expired events)."),
  ThreadConflict: problem(
    "The thread is archived (`thread-archived`), or what you act on changed or was deleted meanwhile (`conflict`).",
  ),
  StreamConflict: problem(
    "The message is not streaming (`message-not-streaming`: completed, timed out or deleted; `message-stopped`: someone stopped it), the delta's offset does not continue its text (`stream-offset-mismatch`: `detail` gives its length), or the thread is archived (`thread-archived`).",
  ),
  PayloadTooLarge: problem("The request body exceeds the size limit."),
  UnsupportedMediaType: problem("The request body's `Content-Type` is not one this operation accepts."),
  UnprocessableEntity: problem("The Idempotency-Key was already used with a different request."),
  InteractionRefused: problem(
    "The action does not fit the message's blocks (`action-invalid`), the form's fields are not valid (`form-invalid`, one error per input block, by `block_id`), or the Idempotency-Key was used with another request (`idempotency-key-reused`).",
  ),
  WebhookUrlRefused: problem(
    "The URL may not receive webhooks (`webhook-url-refused`): `detail` names the rule — https only, no loopback, private, link-local or unique-local host, no credentials in it.",
  ),
  LengthRequired: problem("Send `Content-Length`: uploads are streamed to storage, which needs the size up front."),
  UploadRefused: problem(
    "Nothing was stored: the bytes are not the declared type (`content-type-mismatch`) or do not match the SHA-256 sent with them (`checksum-mismatch`).",
  ),
  UploadConflict: problem(
    "The resumable upload is no longer open — completed, aborted, expired or being completed (`upload-closed`) — or, when completing it, parts are missing or the wrong size (`upload-incomplete`).",
  ),
  RangeNotSatisfiable: problem("The `Range` starts past the end of the file.", {
    "Content-Range": { description: "`bytes */<size>`: the file's size.", schema: { type: "string", maxLength: 64 } },
  }),
  LinkExpired: problem("The signed link has expired (`link-expired`); ask for a new one."),
  FeatureNotConfigured: problem("This deployment lacks a setting the operation needs; `detail` names it."),
  OAuthRefused: problem(
    "The request fails validation, or the OAuth request is refused (`oauth-request-refused`, always as `application/problem+json`, as OAuth clients read it): `error` is the OAuth error code — `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`, `invalid_target`, `invalid_client_metadata` or `invalid_redirect_uri` — and `error_description` says why.",
  ),
  InternalError: problem("An unexpected error; nothing about it is disclosed beyond `trace_id`."),
  ServiceUnavailable: problem("A dependency such as the database is unreachable.", {
    "Retry-After": {
      description: "Seconds to wait before retrying.",
      schema: { type: "integer", format: "int32", minimum: 1, maximum: 86400 },
    },
  }),
  GoogleUnavailable: problem(
    "Google cannot be reached (`service-unavailable`, with `Retry-After`), or Google sign-in is not configured on this deployment (`feature-not-configured`: `detail` names GOOGLE_CLIENT_ID).",
    {
      "Retry-After": {
        description: "Seconds to wait before retrying (when Google cannot be reached).",
        schema: { type: "integer", format: "int32", minimum: 1, maximum: 86400 },
      },
    },
  ),
  TooManyStreams: problem(
    "Too many live streams (`too-many-streams`): on the thread, or yours on it; close one, or retry after `Retry-After` seconds. Or the read budget is spent (`rate-limited`, with `RateLimit` and `RateLimit-Policy`).",
    {
      "Retry-After": {
        description: "Seconds to wait before retrying.",
        schema: { type: "integer", format: "int32", minimum: 1, maximum: 86400 },
      },
      RateLimit: {
        description: 'When the read budget is spent: its remaining quota and window, e.g. `"reads";r=0;t=60`.',
        schema: { type: "string", maxLength: 256 },
      },
      "RateLimit-Policy": rateLimitPolicyHeader,
    },
  ),
  TooManyRequests: problem("The rate limit of this operation is spent; retry after `Retry-After` seconds.", {
    "Retry-After": {
      description: "Seconds to wait before retrying.",
      schema: { type: "integer", format: "int32", minimum: 1, maximum: 86400 },
    },
    RateLimit: {
      description: 'The spent policy\'s remaining quota and window, e.g. `"writes";r=0;t=60`.',
      schema: { type: "string", maxLength: 256 },
    },
    "RateLimit-Policy": rateLimitPolicyHeader,
  }),
} as const;

type ComponentName = keyof typeof components;

const ref = (name: ComponentName) => ({ $ref: `#/components/responses/${name}` });

export const registerErrorResponses = (app: OpenAPIHono<AppEnv>) => {
  app.openAPIRegistry.register("Problem", Problem);
  app.openAPIRegistry.register("ProblemEnvelope", ProblemEnvelope);
  for (const [name, response] of Object.entries(components)) {
    app.openAPIRegistry.registerComponent("responses", name, response);
  }
};

/** Spread into a route's `responses`: the errors any operation can give. */
export const commonErrors = {
  [Status.BAD_REQUEST]: ref("BadRequest"),
  [Status.INTERNAL_SERVER_ERROR]: ref("InternalError"),
};

/** Extra errors of operations that take a JSON body. */
export const bodyErrors = {
  [Status.PAYLOAD_TOO_LARGE]: ref("PayloadTooLarge"),
  [Status.UNSUPPORTED_MEDIA_TYPE]: ref("UnsupportedMediaType"),
};

/** Extra errors of operations that accept `Idempotency-Key`. */
export const idempotencyErrors = {
  [Status.CONFLICT]: ref("Conflict"),
  [Status.UNPROCESSABLE_ENTITY]: ref("UnprocessableEntity"),
};

/** Extra errors of operations that need credentials. */
export const authErrors = {
  [Status.UNAUTHORIZED]: ref("Unauthorized"),
  [Status.FORBIDDEN]: ref("Forbidden"),
};

export const notFound = { [Status.NOT_FOUND]: ref("NotFound") };
export const notAcceptable = { [Status.NOT_ACCEPTABLE]: ref("NotAcceptable") };
export const conflict = { [Status.CONFLICT]: ref("Conflict") };
export const preconditionFailed = { [Status.PRECONDITION_FAILED]: ref("PreconditionFailed") };
export const preconditionRequired = { [Status.PRECONDITION_REQUIRED]: ref("PreconditionRequired") };
export const gone = { [Status.GONE]: ref("Gone") };
/** Writes inside a thread: archived threads refuse them, and concurrent changes can get in the way. */
export const threadConflict = { [Status.CONFLICT]: ref("ThreadConflict") };
export const streamConflict = { [Status.CONFLICT]: ref("StreamConflict") };
export const googleUnavailable = { [Status.SERVICE_UNAVAILABLE]: ref("GoogleUnavailable") };
export const serviceUnavailable = { [Status.SERVICE_UNAVAILABLE]: ref("ServiceUnavailable") };
export const rateLimited = { [Status.TOO_MANY_REQUESTS]: ref("TooManyRequests") };
export const tooManyStreams = { [Status.TOO_MANY_REQUESTS]: ref("TooManyStreams") };
export const interactionRefused = { [Status.UNPROCESSABLE_ENTITY]: ref("InteractionRefused") };
export const webhookUrlRefused = { [Status.UNPROCESSABLE_ENTITY]: ref("WebhookUrlRefused") };
export const lengthRequired = { [Status.LENGTH_REQUIRED]: ref("LengthRequired") };
export const uploadRefused = { [Status.UNPROCESSABLE_ENTITY]: ref("UploadRefused") };
export const uploadConflict = { [Status.CONFLICT]: ref("UploadConflict") };
export const rangeNotSatisfiable = { [Status.RANGE_NOT_SATISFIABLE]: ref("RangeNotSatisfiable") };
export const linkExpired = { [Status.FORBIDDEN]: ref("LinkExpired") };
export const oauthRefused = { [Status.BAD_REQUEST]: ref("OAuthRefused") };
export const featureNotConfigured = { [Status.SERVICE_UNAVAILABLE]: ref("FeatureNotConfigured") };

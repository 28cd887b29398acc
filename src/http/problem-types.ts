import { Status } from "./status";

/**
 * The catalogue of problem types (RFC 9457). Type URIs are stable: clients may switch on them.
 * The spec documents each one (see src/schemas/problem.ts) and so does the README.
 */
export const PROBLEM_BASE_URI = "https://docs.experience-layer.dev/problems/";

export const problemTypes = {
  "validation-error": {
    status: Status.BAD_REQUEST,
    title: "Your request is not valid",
    description: "One or more fields failed validation; `errors` lists each failing field by path.",
  },
  "malformed-request": {
    status: Status.BAD_REQUEST,
    title: "The request body could not be parsed",
    description: "The body is not well-formed JSON.",
  },
  "oauth-request-refused": {
    status: Status.BAD_REQUEST,
    title: "The OAuth request is refused",
    description:
      "An OAuth endpoint refused the request: `error` is the OAuth error code (`invalid_grant`, …), `error_description` says why.",
  },
  unauthorized: {
    status: Status.UNAUTHORIZED,
    title: "Authentication is required",
    description: "No valid credentials were sent.",
  },
  forbidden: {
    status: Status.FORBIDDEN,
    title: "You may not do this",
    description: "The credentials are valid but lack the permission this operation needs.",
  },
  "not-found": {
    status: Status.NOT_FOUND,
    title: "Not found",
    description: "No resource exists at this path, or it is not visible to you.",
  },
  "preview-unavailable": {
    status: Status.NOT_FOUND,
    title: "This file has no preview",
    description: "`detail` says why: its type has none, or making it failed.",
  },
  "method-not-allowed": {
    status: Status.METHOD_NOT_ALLOWED,
    title: "Method not allowed",
    description: "The path exists but does not support this method; see the `Allow` header.",
  },
  "not-acceptable": {
    status: Status.NOT_ACCEPTABLE,
    title: "None of the media types you accept is offered",
    description: "`Accept` allows none of the representations the operation has; `detail` lists them.",
  },
  conflict: {
    status: Status.CONFLICT,
    title: "The request conflicts with the current state",
    description: "For example a unique field (such as an email) is already taken.",
  },
  "idempotency-key-in-use": {
    status: Status.CONFLICT,
    title: "A request with this Idempotency-Key is still in progress",
    description: "Retry after the first request has finished.",
  },
  "thread-archived": {
    status: Status.CONFLICT,
    title: "The thread is archived",
    description: "Archived threads are read-only; set its status to ACTIVE to change what is in it.",
  },
  "message-not-streaming": {
    status: Status.CONFLICT,
    title: "The message is not streaming",
    description:
      "Text can be appended to a STREAMING message only, and only its author completes it; this one was completed, timed out (INCOMPLETE) or deleted, as `detail` says.",
  },
  "message-stopped": {
    status: Status.CONFLICT,
    title: "The message was stopped",
    description:
      "Someone stopped this streamed message (its thread's owner, an admin, or its author): stop generating. It is INCOMPLETE with `incomplete_reason` STOPPED and keeps the text that arrived; edit it with PATCH if needed.",
  },
  "stream-offset-mismatch": {
    status: Status.CONFLICT,
    title: "The delta does not continue the message",
    description:
      "A delta's `offset` must be the length of the message's text so far; `detail` gives that length. Resend what is missing from there.",
  },
  "upload-closed": {
    status: Status.CONFLICT,
    title: "The upload is not open",
    description:
      "The resumable upload was completed, aborted, has expired or is being completed; `detail` says which. Start a new one.",
  },
  "upload-incomplete": {
    status: Status.CONFLICT,
    title: "The upload is missing parts",
    description:
      "Parts are missing or not of the size the upload needs; `detail` names them. Send them, then complete again.",
  },
  "event-log-truncated": {
    status: Status.GONE,
    title: "Those events are no longer kept",
    description:
      "The events after the position you asked for have expired; read the thread and its messages again, then follow its events from the thread's `last_event_seq`.",
  },
  "precondition-failed": {
    status: Status.PRECONDITION_FAILED,
    title: "The resource has changed",
    description: "The `If-Match` header does not match the current ETag; fetch the resource again.",
  },
  "precondition-required": {
    status: Status.PRECONDITION_REQUIRED,
    title: "Send If-Match",
    description: "This update would overwrite a version you may not have seen; send its ETag as `If-Match` (or `*`).",
  },
  "payload-too-large": {
    status: Status.PAYLOAD_TOO_LARGE,
    title: "The request body is too large",
    description: "The body exceeds the size limit given in `detail`.",
  },
  "unsupported-media-type": {
    status: Status.UNSUPPORTED_MEDIA_TYPE,
    title: "Unsupported media type",
    description: "The request body's `Content-Type` is not one this operation accepts (usually `application/json`).",
  },
  "content-type-mismatch": {
    status: Status.UNPROCESSABLE_ENTITY,
    title: "The file is not of the type it was sent as",
    description: "The file's first bytes show another format than its Content-Type; nothing was stored.",
  },
  "checksum-mismatch": {
    status: Status.UNPROCESSABLE_ENTITY,
    title: "The file does not match its checksum",
    description:
      "The SHA-256 of the bytes received differs from the one sent (`Content-Digest`, the form's `sha256` field or the upload's `sha256`); nothing was stored.",
  },
  "range-not-satisfiable": {
    status: Status.RANGE_NOT_SATISFIABLE,
    title: "The range is outside the file",
    description: "The `Range` asked for starts past the end of the file; `Content-Range` gives its size.",
  },
  "action-invalid": {
    status: Status.UNPROCESSABLE_ENTITY,
    title: "The action does not fit the message",
    description: "The block, action or option is not on the message, or the element takes another kind of value.",
  },
  "form-invalid": {
    status: Status.UNPROCESSABLE_ENTITY,
    title: "Some fields of the form are not valid",
    description:
      "`errors` has one entry per input block at fault, its `path` being the block's `block_id` (like Slack's `response_action: errors`).",
  },
  "webhook-url-refused": {
    status: Status.UNPROCESSABLE_ENTITY,
    title: "The webhook URL is not allowed",
    description:
      "Webhooks go to public HTTPS endpoints: `detail` names the rule the URL breaks (its scheme, a loopback or private host, credentials in it).",
  },
  "idempotency-key-reused": {
    status: Status.UNPROCESSABLE_ENTITY,
    title: "This Idempotency-Key was used with a different request",
    description: "Each key identifies one request; send a new key for a new request.",
  },
  "rate-limited": {
    status: Status.TOO_MANY_REQUESTS,
    title: "Too many requests",
    description: "Slow down; `Retry-After` says when to try again.",
  },
  "too-many-streams": {
    status: Status.TOO_MANY_REQUESTS,
    title: "Too many open streams",
    description:
      "The thread has as many live streams as it serves, or you have as many open on it as one user or key may; close one, or retry after `Retry-After`.",
  },
  "length-required": {
    status: Status.LENGTH_REQUIRED,
    title: "Send Content-Length",
    description: "Uploads are streamed to storage, which needs the size up front.",
  },
  "link-expired": {
    status: Status.FORBIDDEN,
    title: "The link has expired",
    description: "Signed download links work until their `exp`; ask for a new one.",
  },
  "feature-not-configured": {
    status: Status.SERVICE_UNAVAILABLE,
    title: "This feature is not configured",
    description: "The operation needs a setting this deployment does not have; `detail` names it.",
  },
  "internal-error": {
    status: Status.INTERNAL_SERVER_ERROR,
    title: "Something went wrong on our side",
    description: "Nothing about the cause is disclosed; quote `trace_id` when reporting it.",
  },
  "service-unavailable": {
    status: Status.SERVICE_UNAVAILABLE,
    title: "The service is temporarily unavailable",
    description: "A dependency (such as the database) cannot be reached; retry later.",
  },
} as const;

export type ProblemType = keyof typeof problemTypes;

export const problemTypeUri = (type: ProblemType): string => `${PROBLEM_BASE_URI}${type}`;

import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { ApiError } from "./api-error";
import { problemResponse } from "./problem";
import { Status } from "./status";

/** Hono and its middleware raise HTTPException; give each the matching problem type. */
const fromHttpException = (error: HTTPException): ApiError => {
  switch (error.status) {
    case Status.BAD_REQUEST:
      return new ApiError("malformed-request", `${error.message}.`);
    case Status.PAYLOAD_TOO_LARGE:
      return new ApiError("payload-too-large", error.message);
    case Status.UNSUPPORTED_MEDIA_TYPE:
      return new ApiError(
        "unsupported-media-type",
        "Send the request body as application/json (or application/merge-patch+json where an operation says so).",
      );
    case Status.NOT_FOUND:
      return new ApiError("not-found", error.message || "Not found.");
    default:
      return new ApiError("internal-error", "An unexpected error occurred.");
  }
};

/** ApiError → its problem; HTTPException → mapped; anything else → logged, generic 500. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return problemResponse(c, error);
  if (error instanceof HTTPException && error.status < Status.INTERNAL_SERVER_ERROR) {
    return problemResponse(c, fromHttpException(error));
  }
  c.get("logger")?.error("unhandled error", { error: error.stack ?? String(error) });
  return problemResponse(c, new ApiError("internal-error", "An unexpected error occurred."));
};

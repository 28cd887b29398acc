import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import type { ApiError } from "./api-error";
import { problemTypes, problemTypeUri } from "./problem-types";

export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** Clients that ask for problem+json get the bare RFC 9457 object; everyone else gets the envelope. */
const wantsBareProblem = (c: Context) => (c.req.header("Accept") ?? "").includes(PROBLEM_MEDIA_TYPE);

export const problemResponse = (c: Context<AppEnv>, error: ApiError): Response => {
  const problem = {
    type: problemTypeUri(error.type),
    title: problemTypes[error.type].title,
    status: error.status,
    detail: error.detail,
    instance: c.req.path,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
    ...(error.options.oauth ? { error: error.options.oauth, error_description: error.detail } : {}),
    timestamp: new Date().toISOString(),
    trace_id: c.get("requestId"),
  };
  const status = error.status as ContentfulStatusCode;
  const headers = error.options.headers ?? {};
  // OAuth clients read `error` at the top level, whatever they accept.
  if (wantsBareProblem(c) || error.options.oauth) {
    return c.body(JSON.stringify(problem), status, { ...headers, "Content-Type": PROBLEM_MEDIA_TYPE });
  }
  return c.json({ success: false, error: problem }, status, headers);
};

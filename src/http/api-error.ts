import { type ProblemType, problemTypes } from "./problem-types";

/** One failing field of a validation problem; `path` is dotted, e.g. `body.email` or `query.limit`. */
export interface FieldError {
  path: string;
  message: string;
  code: string;
}

/** A validation problem lists at most this many fields (the detail counts them all). */
export const MAX_FIELD_ERRORS = 100;

/** The one error class of the API: anything thrown as ApiError becomes its problem response. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      /** An OAuth error code (RFC 6749 §5.2): the problem then also carries `error` and `error_description`. */
      oauth?: string;
    } = {},
  ) {
    super(detail);
    this.name = "ApiError";
    this.status = problemTypes[type].status;
  }
}

/** An OAuth endpoint's refusal, with its OAuth error code (`invalid_grant`, …). */
export const oauthRefused = (error: string, detail: string, errors?: FieldError[]) =>
  new ApiError("oauth-request-refused", detail, { oauth: error, ...(errors ? { errors } : {}) });

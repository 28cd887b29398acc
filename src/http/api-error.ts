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
    readonly options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "ApiError";
    this.status = problemTypes[type].status;
  }
}

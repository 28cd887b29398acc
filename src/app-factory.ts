import type { Hook } from "@hono/zod-openapi";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ValidationTargets } from "hono";
import type { AppEnv } from "./env";
import { ApiError, type FieldError, MAX_FIELD_ERRORS } from "./http/api-error";

/** How each validation target is named in `errors[].path`. */
const targetNames: Record<keyof ValidationTargets, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "param",
  header: "header",
  cookie: "cookie",
};

type Issue = { code: string; message: string; path: PropertyKey[]; keys?: string[] };

/** Every failing field by path; an unknown key in a strict body becomes one error per key. */
const toFieldErrors = (target: keyof ValidationTargets, issues: readonly Issue[]): FieldError[] =>
  issues.flatMap((issue) => {
    const base = [targetNames[target], ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({ path: [...base, key].join("."), message: "Unknown field", code: issue.code }));
    }
    return [{ path: base.join("."), message: issue.message, code: issue.code }];
  });

const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (result.success) return;
  const errors = toFieldErrors(result.target, result.error.issues as readonly Issue[]);
  throw new ApiError("validation-error", `${errors.length} field${errors.length === 1 ? " is" : "s are"} not valid.`, {
    errors: errors.slice(0, MAX_FIELD_ERRORS),
  });
};

/** Every router goes through here, so validation failures always become the same problem. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

import type { Hook, RouteConfig } from "@hono/zod-openapi";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type { AppEnv } from "../env";
import { ApiError, type FieldError, MAX_FIELD_ERRORS, oauthRefused } from "./api-error";

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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What a schema cannot catch in a JSON body, found without recursion (bodies can nest deeply):
 * members named `__proto__`, which zod's records drop silently (the data would vanish), and text
 * with lone UTF-16 surrogates, which is not Unicode (D1 would store U+FFFD in its place, so what
 * was stored would differ from what was answered).
 */
const unsafeMembers = (body: unknown): FieldError[] => {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[body, "body"]];
  while (pending.length > 0 && errors.length < MAX_FIELD_ERRORS) {
    const [value, path] = pending.pop() as [unknown, string];
    if (typeof value === "string" && LONE_SURROGATE.test(value)) {
      errors.push({ path, message: "Text must be valid Unicode (it has a lone surrogate)", code: "invalid_string" });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === "__proto__" || LONE_SURROGATE.test(key)) {
          errors.push({ path: `${path}.${key}`, message: "This member name is not accepted", code: "invalid_key" });
        } else pending.push([child, `${path}.${key}`]);
      }
    }
  }
  return errors;
};

const invalid = (errors: FieldError[]) =>
  new ApiError("validation-error", `${errors.length} field${errors.length === 1 ? " is" : "s are"} not valid.`, {
    errors: errors.slice(0, MAX_FIELD_ERRORS),
  });

const validationHook: Hook<unknown, AppEnv, string, Promise<void>> = async (result, c) => {
  if (!result.success) throw invalid(toFieldErrors(result.target, result.error.issues as readonly Issue[]));
  if (result.target !== "json") return;
  // The parsed body as sent (hono caches it), not the validated copy, which has already lost `__proto__`.
  // The media-type gate below let only a declared JSON type through, so the validator has read a body.
  const errors = unsafeMembers(await c.req.json());
  if (errors.length > 0) throw invalid(errors);
};

/**
 * For OAuth endpoints, whose clients read an OAuth error code: the same validation, refused as
 * `oauth-request-refused` with the code `codeFor` picks and the first failures spelled out.
 */
export const oauthValidationHook =
  (codeFor: (errors: FieldError[], path: string) => string): Hook<unknown, AppEnv, string, Promise<void>> =>
  async (result, c) => {
    try {
      await validationHook(result, c);
    } catch (error) {
      const errors = error instanceof ApiError ? error.options.errors : undefined;
      if (!errors) throw error;
      const detail = errors
        .slice(0, 3)
        .map(({ path, message }) => `${path}: ${message}`)
        .join("; ");
      throw oauthRefused(codeFor(errors, c.req.path), detail, errors);
    }
  };

const mediaTypeOf = (contentType: string | undefined) => (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const accepts = (declared: string, mediaType: string) =>
  declared === "*/*" ||
  declared === mediaType ||
  (declared.endsWith("/*") && mediaType.startsWith(declared.slice(0, -1)));

/**
 * Exactly the media types an operation declares, before its validators run. @hono/zod-openapi's own gate
 * takes any `+json` type for `application/json` (a merge patch sent to a replacing PUT would be applied as a
 * replacement), lets a required body sent with no `Content-Type` through to be validated as `{}`, and checks
 * nothing for a route whose schema is not zod (binary bodies).
 */
const mediaTypeGate =
  (declared: string[], required: boolean): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const mediaType = mediaTypeOf(c.req.header("content-type"));
    if (mediaType === "" && !required) return next();
    if (!declared.some((type) => accepts(type, mediaType))) {
      const wanted = declared.join(" or ");
      throw new ApiError(
        "unsupported-media-type",
        mediaType === ""
          ? `This operation needs a request body: send it as ${wanted}, with that Content-Type.`
          : `This operation does not take ${mediaType}: send the body as ${wanted}.`,
      );
    }
    await next();
  };

/** The route with its media-type gate after its own middleware (access is checked first). */
const withMediaTypeGate = (route: RouteConfig): RouteConfig => {
  const body = route.request?.body;
  if (!body) return route;
  const own = route.middleware === undefined ? [] : [route.middleware].flat();
  return { ...route, middleware: [...own, mediaTypeGate(Object.keys(body.content), body.required === true)] };
};

/** Every router goes through here: validation failures always become the same problem (or its OAuth form), media types are exact. */
export const createRouter = (defaultHook = validationHook) => {
  const router = new OpenAPIHono<AppEnv>({ defaultHook });
  // `openapi` is generic over each route's types, which a wrapper cannot restate: it is called as registered.
  const register = router.openapi as unknown as (route: RouteConfig, ...rest: unknown[]) => typeof router;
  router.openapi = ((route: RouteConfig, ...rest: unknown[]) =>
    register(withMediaTypeGate(route), ...rest)) as unknown as typeof router.openapi;
  return router;
};

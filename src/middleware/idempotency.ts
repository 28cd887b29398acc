import type { MiddlewareHandler } from "hono";
import { sha256Hex } from "../auth/secrets";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import { IdempotencyKey } from "../schemas/common";

/** How long a key and its stored response are kept: a day, like Stripe. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ["Location", "ETag"];

/** What "the same request" means: method, path and the body exactly as sent (SHA-256, hex). */
export const requestHashOf = (method: string, path: string, body: string) => sha256Hex(`${method} ${path}\n${body}`);

/**
 * `Idempotency-Key` on writes: the first request with a key runs and, if it succeeds, its response is
 * stored; the same key with the same method, path and body replays that response
 * (`Idempotent-Replayed: true`); with another request it is 422; while the first is still running
 * it is 409. Failed requests free their key, so a corrected retry may reuse it. Keys belong to the
 * caller, so mount it after the access check (`guarded(rule, …, idempotency())`); it runs before body
 * validation (route middleware), so the hash covers the body exactly as sent.
 */
export const idempotency = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const header = c.req.header("Idempotency-Key");
  if (header === undefined) return next();
  const parsed = IdempotencyKey.safeParse(header);
  if (!parsed.success) {
    throw new ApiError("validation-error", "1 field is not valid.", {
      errors: parsed.error.issues.map((issue) => ({
        path: "header.idempotency-key",
        message: issue.message,
        code: issue.code,
      })),
    });
  }

  const key = parsed.data;
  // Keys are per caller: two callers can never see (or block) each other's stored responses.
  const principal = c.get("principal");
  const scope = principal ? `${principal.kind}:${principal.id}` : "anonymous";
  const repository = repositories(c).idempotency;
  const requestHash = await requestHashOf(c.req.method, c.req.path, await c.req.text());
  const claimed = await repository.claim({
    scope,
    key,
    method: c.req.method,
    path: c.req.path,
    requestHash,
    expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS),
  });

  if (!claimed) {
    const existing = await repository.find(scope, key);
    if (existing && existing.requestHash !== requestHash) {
      throw new ApiError("idempotency-key-reused", "This Idempotency-Key was used with a different request.");
    }
    if (!existing || existing.responseStatus === null || existing.responseBody === null) {
      throw new ApiError("idempotency-key-in-use", "A request with this Idempotency-Key is still in progress.");
    }
    return new Response(existing.responseBody, {
      status: existing.responseStatus,
      headers: {
        ...(existing.responseHeaders as Record<string, string>),
        "Content-Type": "application/json",
        "Idempotent-Replayed": "true",
      },
    });
  }

  await next();
  if (c.res.ok) {
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => {
        const value = c.res.headers.get(name);
        return value === null ? [] : [[name, value]];
      }),
    );
    await repository.complete(scope, key, { status: c.res.status, body: await c.res.clone().text(), headers });
  } else {
    await repository.release(scope, key);
  }
};

import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";

/** A raw body's Content-Length: required, as R2 takes a stream of known length. */
export const declaredLength = (c: Context<AppEnv>) => {
  const header = c.req.header("Content-Length");
  if (header === undefined || !/^\d{1,15}$/.test(header)) {
    throw new ApiError("length-required", "Send Content-Length with the body's size in bytes.");
  }
  return Number(header);
};

import type { RouteHandler } from "@hono/zod-openapi";
import { newApiKey } from "../../auth/api-keys";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import { apiKeyToWire } from "../../wire/api-keys";
import type { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "./api-keys.routes";

const apiKeyNotFound = (id: string) => new ApiError("not-found", `No API key with id ${id}.`);

export const createApiKeyHandler: RouteHandler<typeof createApiKey, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const principal = c.get("principal");
  const { key, prefix, keyHash } = await newApiKey();
  const apiKey = await repositories(c).apiKeys.create({
    name: body.name,
    prefix,
    keyHash,
    scopes: body.scopes,
    createdById: principal?.kind === "user" ? principal.id : null,
    expiresAt: body.expires_at ? new Date(body.expires_at) : null,
  });
  c.header("Location", `/api-keys/${apiKey.id}`);
  return ok(c, { ...apiKeyToWire(apiKey), secret: key }, Status.CREATED);
};

export const listApiKeysHandler: RouteHandler<typeof listApiKeys, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const rows = await repositories(c).apiKeys.listPage(limit, cursor ? decodeCursor(cursor) : null);
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(apiKeyToWire), pagination);
};

export const getApiKeyHandler: RouteHandler<typeof getApiKey, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const apiKey = await repositories(c).apiKeys.findById(id);
  if (!apiKey) throw apiKeyNotFound(id);
  return ok(c, apiKeyToWire(apiKey), Status.OK);
};

export const revokeApiKeyHandler: RouteHandler<typeof revokeApiKey, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await repositories(c).apiKeys.revoke(id, new Date()))) throw apiKeyNotFound(id);
  return c.body(null, Status.NO_CONTENT);
};

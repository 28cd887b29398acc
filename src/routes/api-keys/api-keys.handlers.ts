import type { RouteHandler } from "@hono/zod-openapi";
import { newApiKey, scopesOf } from "../../auth/api-keys";
import type { AppEnv } from "../../env";
import type { ApiKey } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { apiKeysRepository } from "../../repositories/api-keys.repository";
import { getDb } from "../../repositories/db";
import type { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "./api-keys.routes";

/** The wire form never carries the key or its hash. */
const toWire = (apiKey: ApiKey) => ({
  id: apiKey.id,
  name: apiKey.name,
  prefix: apiKey.prefix,
  scopes: scopesOf(apiKey.scopes),
  created_at: apiKey.createdAt.toISOString(),
  expires_at: apiKey.expiresAt?.toISOString() ?? null,
  last_used_at: apiKey.lastUsedAt?.toISOString() ?? null,
  revoked_at: apiKey.revokedAt?.toISOString() ?? null,
  created_by: apiKey.createdById,
});

const apiKeyNotFound = (id: string) => new ApiError("not-found", `No API key with id ${id}.`);

export const createApiKeyHandler: RouteHandler<typeof createApiKey, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const principal = c.get("principal");
  const { key, prefix, keyHash } = await newApiKey();
  const apiKey = await apiKeysRepository(getDb(c.env.DB)).create({
    name: body.name,
    prefix,
    keyHash,
    scopes: body.scopes,
    createdById: principal?.kind === "user" ? principal.id : null,
    expiresAt: body.expires_at ? new Date(body.expires_at) : null,
  });
  c.header("Location", `/api-keys/${apiKey.id}`);
  return ok(c, { ...toWire(apiKey), secret: key }, Status.CREATED);
};

export const listApiKeysHandler: RouteHandler<typeof listApiKeys, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const rows = await apiKeysRepository(getDb(c.env.DB)).listPage(limit, cursor ? decodeCursor(cursor) : null);
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(toWire), pagination);
};

export const getApiKeyHandler: RouteHandler<typeof getApiKey, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const apiKey = await apiKeysRepository(getDb(c.env.DB)).findById(id);
  if (!apiKey) throw apiKeyNotFound(id);
  return ok(c, toWire(apiKey), Status.OK);
};

export const revokeApiKeyHandler: RouteHandler<typeof revokeApiKey, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await apiKeysRepository(getDb(c.env.DB)).revoke(id, new Date()))) throw apiKeyNotFound(id);
  return c.body(null, Status.NO_CONTENT);
};

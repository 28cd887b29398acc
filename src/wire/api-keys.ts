import { z } from "@hono/zod-openapi";
import type { ApiKey } from "../generated/prisma/client";
import { API_KEY_PATTERN, SCOPES, scopesOf } from "../schemas/api-keys";
import { Id, Timestamp } from "../schemas/common";

const ScopeSchema = z.enum(SCOPES).openapi("ApiKeyScope", {
  description:
    "What an API key may do: read or write one resource family; `threads:all` is a reach, not a family: the key reaches every thread (workspace-wide), where without it the key reaches only the threads it was added to (member-only).",
});

export const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .openapi({ example: "Acme CRM sync", description: "What the key is for; shown in listings." });

export const ScopeList = z
  .array(ScopeSchema)
  .max(SCOPES.length)
  .openapi({ uniqueItems: true, example: ["users:read"] });

export const ApiKeySchema = z
  .object({
    id: Id,
    name: Name,
    prefix: z
      .string()
      .length(12)
      .regex(/^[a-z2-7]+$/)
      .openapi({
        example: "k7m2xq4trb5z",
        description: "Identifies the key (it is the part after `elk_`); not a secret.",
      }),
    scopes: ScopeList,
    created_at: Timestamp,
    expires_at: Timestamp.nullable().openapi({ description: "After this the key stops working; null: never." }),
    last_used_at: Timestamp.nullable().openapi({
      description: "When the key last authenticated a request, to the minute; null: never used.",
    }),
    revoked_at: Timestamp.nullable().openapi({ description: "When an admin revoked it; null while active." }),
    created_by: Id.nullable().openapi({ description: "The admin who created it; null once that user is deleted." }),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().max(64).regex(API_KEY_PATTERN).openapi({
    example: "elk_k7m2xq4trb5z_5q2JmW0b1Nf7pX8yVtq3cRkL9aZsD4eHgU6iOwYnB-_",
    description:
      "The whole API key, `elk_<prefix>_<secret>`: send it as `X-API-Key` or `Authorization: Bearer`. Shown only in this response; only its hash is stored.",
  }),
}).openapi("CreatedApiKey");

export const apiKeyExample: z.input<typeof ApiKeySchema> = {
  id: "cmif7vj3k0000apikey000001",
  name: "Acme CRM sync",
  prefix: "k7m2xq4trb5z",
  scopes: ["users:read"],
  created_at: "2026-11-25T10:00:00.000Z",
  expires_at: "2027-11-25T10:00:00.000Z",
  last_used_at: null,
  revoked_at: null,
  created_by: "cmif7vj3k0000abcd12345678",
};

/** The wire form never carries the key or its hash. */
export const apiKeyToWire = (apiKey: ApiKey): z.infer<typeof ApiKeySchema> => ({
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

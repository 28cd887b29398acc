import { z } from "@hono/zod-openapi";
import { SCOPES } from "../../auth/access";
import { API_KEY_PATTERN } from "../../auth/api-keys";
import { envelope, Id, pageEnvelope, Timestamp } from "../../schemas/common";

const ScopeSchema = z.enum(SCOPES).openapi("ApiKeyScope", {
  description: "What an API key may do: read or write one resource family.",
});

const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .openapi({ example: "Acme CRM sync", description: "What the key is for; shown in listings." });

const ScopeList = z
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

const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().max(64).regex(API_KEY_PATTERN).openapi({
    example: "elk_k7m2xq4trb5z_5q2JmW0b1Nf7pX8yVtq3cRkL9aZsD4eHgU6iOwYnB-_",
    description:
      "The whole API key, `elk_<prefix>_<secret>`: send it as `X-API-Key` or `Authorization: Bearer`. Shown only in this response; only its hash is stored.",
  }),
}).openapi("CreatedApiKey");

export const CreateApiKeyBody = z
  .strictObject({
    name: Name,
    scopes: ScopeList.min(1).refine((scopes) => new Set(scopes).size === scopes.length, "Each scope may appear once"),
    expires_at: Timestamp.refine((at) => Date.parse(at) > Date.now(), "Must be in the future")
      .optional()
      .openapi({
        example: "2027-11-25T10:00:00.000Z",
        description: "When the key stops working (in the future); omit for a key that does not expire.",
      }),
  })
  .openapi("CreateApiKeyRequest", {
    example: { name: "Acme CRM sync", scopes: ["users:read"], expires_at: "2027-11-25T10:00:00.000Z" },
  });

const apiKeyExample: z.input<typeof ApiKeySchema> = {
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

export const ApiKeyResponse = envelope(ApiKeySchema, "ApiKeyResponse", apiKeyExample);
export const CreatedApiKeyResponse = envelope(CreatedApiKeySchema, "CreatedApiKeyResponse", {
  ...apiKeyExample,
  secret: "elk_k7m2xq4trb5z_5q2JmW0b1Nf7pX8yVtq3cRkL9aZsD4eHgU6iOwYnB-_",
});
export const ApiKeyPage = pageEnvelope(ApiKeySchema, "ApiKeyPage", apiKeyExample);

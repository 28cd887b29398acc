import { z } from "@hono/zod-openapi";
import { envelope, pageEnvelope, Timestamp } from "../../schemas/common";
import { ApiKeySchema, apiKeyExample, CreatedApiKeySchema, Name, ScopeList } from "../../wire/api-keys";

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

export const ApiKeyResponse = envelope(ApiKeySchema, "ApiKeyResponse", apiKeyExample);
export const CreatedApiKeyResponse = envelope(CreatedApiKeySchema, "CreatedApiKeyResponse", {
  ...apiKeyExample,
  secret: "elk_k7m2xq4trb5z_5q2JmW0b1Nf7pX8yVtq3cRkL9aZsD4eHgU6iOwYnB-_",
});
export const ApiKeyPage = pageEnvelope(ApiKeySchema, "ApiKeyPage", apiKeyExample);

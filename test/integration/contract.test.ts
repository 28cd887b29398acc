import { type Schema, Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import committed from "../../openapi/openapi.json";
import { http } from "../support/api";
import { specSchema } from "../support/contract";

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Json }> }>;
}

const spec = committed as unknown as { paths: Record<string, Record<string, Operation>>; components: Json };
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, path, operation })),
);

/** A schema's example, following one $ref into components/schemas. */
const exampleOf = (schema: Json): { example: unknown; schema: Json } => {
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const name = ref.replace("#/components/schemas/", "");
    const target = (spec.components.schemas as Record<string, Json>)[name] ?? {};
    return { example: target.example, schema };
  }
  return { example: schema.example, schema };
};

const SPEC_ID = "https://contract.test/openapi.json";

/** Validates `value` against a schema taken out of the document; its $refs still point into it. */
const validates = (schema: Json, value: unknown) => {
  const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${SPEC_ID}#/components/`));
  const validator = new Validator(rebased as Schema, "2020-12", false);
  validator.addSchema(specSchema, SPEC_ID);
  return validator.validate(value);
};

describe("the published contract", () => {
  it("served at /openapi.json is exactly the committed openapi/openapi.json", async () => {
    const response = await http("/openapi.json");
    expect(await response.json()).toEqual(committed);
  });

  it("has operations", () => {
    expect(operations.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(operations)("$name", ({ path, operation }) => {
    it("has an operationId, a tag, a summary and a description", () => {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.tags?.length).toBeGreaterThan(0);
      expect(operation.summary?.length).toBeGreaterThan(0);
      expect(operation.description?.length).toBeGreaterThan(20);
    });

    it("documents the 400 and 500 problems every operation can give", () => {
      // An OAuth endpoint's 400 also says how it carries the OAuth error code.
      const badRequest = path.startsWith("/oauth/") ? "OAuthRefused" : "BadRequest";
      expect(operation.responses["400"]).toEqual({ $ref: `#/components/responses/${badRequest}` });
      expect(operation.responses["500"]).toEqual({ $ref: "#/components/responses/InternalError" });
    });

    it("documents 413 and 415 when it takes a JSON body", () => {
      if (!operation.requestBody) return;
      expect(operation.responses["413"]).toBeDefined();
      expect(operation.responses["415"]).toBeDefined();
    });

    it("has examples for its JSON request and success bodies, and they match their schemas", () => {
      const bodies = [
        operation.requestBody?.content["application/json"]?.schema,
        ...Object.entries(operation.responses)
          .filter(([status]) => status.startsWith("2"))
          .map(([, response]) => response.content?.["application/json"]?.schema),
      ].filter((schema): schema is Json => schema !== undefined);
      for (const body of bodies) {
        const { example, schema } = exampleOf(body);
        expect(example, JSON.stringify(body)).toBeDefined();
        expect(validates(schema, example).errors).toEqual([]);
      }
    });
  });
});

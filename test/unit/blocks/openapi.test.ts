// The components the schemas publish in the OpenAPI document: bounded, closed, and as strict as zod.
import { type Schema, Validator } from "@cfworker/json-schema";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import * as blocks from "../../../src/schemas/blocks/blocks";
import { Block } from "../../../src/schemas/blocks/blocks";
import * as composition from "../../../src/schemas/blocks/composition";
import * as elements from "../../../src/schemas/blocks/elements";
import { BLOCK_KIT_LIMITS as L } from "../../../src/schemas/blocks/limits";
import * as messageRules from "../../../src/schemas/blocks/message-rules";
import { Blocks } from "../../../src/schemas/blocks/message-rules";
import * as richText from "../../../src/schemas/blocks/rich-text";
import { actions, button, plain, s, typesOf } from "./builders";
import { realWorldMessages } from "./real-world-messages";

const buildDocument = () => {
  const app = new OpenAPIHono();
  app.openAPIRegistry.register("Blocks", Blocks);
  return app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Blocks", version: "1.0.0" } });
};

type SchemaNode = Record<string, unknown>;
const isNode = (value: unknown): value is SchemaNode => typeof value === "object" && value !== null;

/** Every schema object under `node` (examples are data, not schemas), with its JSON pointer. */
const schemaNodes = (node: unknown, pointer: string): [string, SchemaNode][] => {
  if (Array.isArray(node)) return node.flatMap((item, i) => schemaNodes(item, `${pointer}/${i}`));
  if (!isNode(node)) return [];
  const children = Object.entries(node)
    .filter(([key]) => key !== "example" && key !== "examples")
    .flatMap(([key, value]) => schemaNodes(value, `${pointer}/${key}`));
  return [[pointer, node], ...children];
};

const withoutExamples = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withoutExamples);
  if (!isNode(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== "example" && key !== "examples")
      .map(([key, value]) => [key, withoutExamples(value)]),
  );
};

/**
 * Every exported zod schema, by name: each is the component of the same name. (primitives.ts, left out, holds
 * the schemas without a component.)
 */
const zodSchemas = new Map<string, z.ZodType>();
for (const [name, value] of Object.entries({ ...composition, ...elements, ...richText, ...blocks, ...messageRules })) {
  if (value instanceof z.ZodType) zodSchemas.set(name, value);
}

describe("OpenAPI components", () => {
  const document = buildDocument();
  const components = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  const nodes = schemaNodes(components, "#/components/schemas");

  it("name every exported schema as a component", () => {
    expect(Object.keys(components).sort()).toEqual([...zodSchemas.keys()].sort());
  });

  it("bound every string (maxLength, enum or const, as the OWASP lint wants)", () => {
    const unbounded = nodes
      .filter(([, node]) => node.type === "string")
      .filter(([, node]) => node.maxLength === undefined && node.enum === undefined && node.const === undefined)
      .map(([pointer]) => pointer);
    expect(unbounded).toEqual([]);
  });

  it("bound every array with maxItems", () => {
    const unbounded = nodes
      .filter(([, node]) => node.type === "array" && node.maxItems === undefined)
      .map(([pointer]) => pointer);
    expect(unbounded).toEqual([]);
  });

  it("bound every integer, with a format", () => {
    const unbounded = nodes
      .filter(([, node]) => node.type === "integer")
      .filter(([, node]) => node.minimum === undefined || node.maximum === undefined || node.format === undefined)
      .map(([pointer]) => pointer);
    expect(unbounded).toEqual([]);
  });

  it("reject unknown keys in every object", () => {
    const open = nodes
      .filter(([, node]) => node.type === "object" && node.additionalProperties !== false)
      .map(([pointer]) => pointer);
    expect(open).toEqual([]);
  });

  it("describe Block as oneOf with a discriminator mapping each type to its component", () => {
    const mapping = Object.fromEntries(
      typesOf(Block).map((type) => [type, expect.stringMatching(/^#\/components\/schemas\/\w+Block$/)]),
    );
    expect(components.Block).toMatchObject({
      oneOf: expect.any(Array),
      discriminator: { propertyName: "type", mapping },
    });
  });

  it("give Blocks its limit and an example", () => {
    expect(components.Blocks).toMatchObject({
      type: "array",
      maxItems: L.blocksPerMessage,
      example: expect.any(Array),
    });
  });

  it("carry examples the schemas accept", () => {
    const examples = Object.entries(components).filter(([, component]) => component.example !== undefined);
    expect(examples.length).toBeGreaterThan(10);
    const rejected = examples
      .filter(([name, component]) => !zodSchemas.get(name)?.safeParse(component.example).success)
      .map(([name]) => name);
    expect(rejected).toEqual([]);
  });

  describe("as JSON Schema", () => {
    const id = "https://blocks.test/openapi.json";
    const validator = new Validator({ $ref: `${id}#/components/schemas/Blocks` }, "2020-12", false);
    validator.addSchema(withoutExamples(document) as Schema, id);

    it.each(realWorldMessages)("accept %s, as zod does", (_name, blocks) => {
      expect(validator.validate(blocks).errors).toEqual([]);
    });

    it("rejects an unknown key, as zod does", () => {
      expect(validator.validate([{ type: "divider", colour: "red" }]).valid).toBe(false);
    });

    it("rejects a text over its limit, as zod does", () => {
      expect(validator.validate([actions(button({ text: plain(s(L.buttonTextLength + 1)) }))]).valid).toBe(false);
    });
  });
});

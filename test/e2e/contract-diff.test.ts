import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { breakingChanges, checkContract, lastReleased } from "../../scripts/contract-diff.mjs";
import { repoRoot } from "./support/dev-server";

// The contract-stability check of `npm run check` (scripts/contract-diff.mjs), shown to catch each kind of breaking
// change against the released contract — and to let additive changes and a new major version through.
type Node = Record<string, unknown>;
/** The object at `path` inside a spec (mutable, to change a copy of it). */
const at = (node: unknown, ...path: string[]): Node => path.reduce<unknown>((n, key) => (n as Node)[key], node) as Node;

const current: Node = JSON.parse(readFileSync(join(repoRoot, "openapi", "openapi.json"), "utf8"));
const released = lastReleased();
const changed = (change: (spec: Node) => void) => {
  const spec = structuredClone(current);
  change(spec);
  return spec;
};
const schema = (spec: Node, name: string) => at(spec, "components", "schemas", name);

describe("the contract check", () => {
  it("finds the committed spec compatible with the last released one", () => {
    expect(checkContract(released, current)).toMatchObject({ ok: true });
  });

  const breaking: [string, (spec: Node) => void][] = [
    ["a removed operation", (spec) => delete at(spec, "paths", "/users").post],
    [
      "a removed response field",
      (spec) => delete at(spec, "components", "schemas", "Thread", "properties").memory_version,
    ],
    [
      "an enum value removed from an input",
      (spec) => (at(spec, "components", "schemas", "MessageRole").enum as string[]).pop(),
    ],
    [
      "a narrowed input",
      (spec) => {
        at(schema(spec, "CreateStreamToken"), "properties", "thread_id").maxLength = 5;
      },
    ],
    ["a new required input", (spec) => (schema(spec, "CreateUserRequest").required as string[]).push("avatar_url")],
    ["a removed status", (spec) => delete at(spec, "paths", "/threads/{id}", "get", "responses")["304"]],
    [
      "a changed media type",
      (spec) => {
        const response = at(spec, "paths", "/users", "get", "responses", "200");
        response.content = { "text/csv": at(response, "content", "application/json") };
      },
    ],
  ];
  for (const [name, change] of breaking) {
    it(`fails on ${name}`, () => {
      const spec = changed(change);
      expect(breakingChanges(released.document, spec).length).toBeGreaterThan(0);
      expect(checkContract(released, spec).ok).toBe(false);
    });
  }

  it("lets additive changes through: a new operation, an optional input, a new response field", () => {
    const spec = changed((s) => {
      at(s, "paths")["/brand-new"] = { get: structuredClone(at(s, "paths", "/health", "get")) };
      at(schema(s, "CreateUserRequest"), "properties").nickname = { type: "string", maxLength: 40 };
      at(s, "components", "schemas", "Thread", "properties").pinned = { type: "boolean" };
    });
    expect(breakingChanges(released.document, spec)).toEqual([]);
  });

  it("lets answers widen: a new enum value, a new event type, a longer list", () => {
    const spec = changed((s) => {
      (at(s, "components", "schemas", "MessageRole").enum as string[]).push("DEVELOPER");
      const event = at(s, "components", "schemas", "ThreadEvent");
      const members = event.oneOf as Node[];
      members.push(structuredClone(members[0] as Node));
      at(s, "components", "schemas", "ApiKey", "properties", "scopes").maxItems = 50;
    });
    expect(breakingChanges(released.document, spec)).toEqual([]);
  });

  it("allows a breaking change with a new major version", () => {
    const spec = changed((s) => {
      delete at(s, "paths", "/users").post;
      at(s, "info").version = "2.0.0";
    });
    expect(checkContract(released, spec)).toMatchObject({ ok: true, majorBumped: true });
  });
});

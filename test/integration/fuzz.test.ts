import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { adminAccessToken, BASE_URL, randomIp, type Scope } from "../support/api";
import { assertIsProblem, assertMatchesContract } from "../support/contract";
import { addAgent, newAgent, newMemberAgent, newThread, newUser, post } from "../support/conversations";

// Spec-driven fuzzing: every operation of openapi/openapi.json gets requests generated from its own
// schemas by fast-check — valid ones, and ones broken on purpose (missing, extra and wrong-typed
// fields, boundary and huge values, unicode edge cases and lone surrogates, malformed JSON, wrong
// content types, garbage headers, cursors, ETags and tokens, odd path ids) — from several kinds of
// caller; every path also gets methods it does not have. Every answer must be documented for its
// operation and status and match its schema, and none may be a 500. Seeded: the same SEED sends the
// same requests. The rate limiters are switched off here (they are tested on their own), so the
// requests reach the handlers instead of stopping at a 429.
const SEED = 20_261_126;
const PER_OPERATION = 40;

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Operation = {
  "x-access"?: { ownership?: "self"; memberKeys?: "thread" | "own" };
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
};

const document = spec as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const resolve = (schema: Schema): Schema =>
  schema.$ref ? (document.components.schemas[schema.$ref.replace("#/components/schemas/", "")] ?? {}) : schema;

/** Strings that break naive code: empty, huge, control and format characters, a lone surrogate. */
const nastyString = fc.constantFrom(
  "",
  " ",
  "x".repeat(70_000),
  "\u0000",
  "\ud800",
  "\u202e\u0301",
  "😀".repeat(50),
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00",
);
const nastyValue = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, -1, 0, 2 ** 53, -(2 ** 63), 1e308, 0.5, [], {}, [null], { "": null }),
);

/** Values of a JSON schema (depth-limited: Block Kit nests). */
const valuesOf = (raw: Schema, depth = 0): fc.Arbitrary<unknown> => {
  const schema = resolve(raw);
  if (depth > 5) return fc.constant(null);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return fc.oneof(...variants.map((variant) => valuesOf(variant, depth + 1)));
  if (schema.allOf) {
    const parts = schema.allOf.map(resolve);
    return valuesOf(
      {
        type: "object",
        properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
        required: parts.flatMap((part) => part.required ?? []),
      },
      depth + 1,
    );
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 1) return fc.oneof(...types.map((type) => valuesOf({ ...schema, type }, depth)));
  switch (types[0]) {
    case "string": {
      if (schema.format === "date-time") {
        return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
      }
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      const bounds = { minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) };
      return fc.oneof(fc.string({ ...bounds, unit: "grapheme" }), fc.string({ ...bounds, unit: "binary" }));
    }
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -(2 ** 31), -(2 ** 31)),
        max: Math.min(schema.maximum ?? 2 ** 31, 2 ** 31),
      });
    case "number":
      return fc.double({
        min: schema.minimum ?? -1e9,
        max: schema.maximum ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valuesOf(schema.items ?? {}, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case "object": {
      if (schema.properties) {
        const shape = Object.fromEntries(
          Object.entries(schema.properties).map(([key, inner]) => [key, valuesOf(inner, depth + 1)]),
        );
        return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((key) => key in shape) });
      }
      const values = typeof schema.additionalProperties === "object" ? schema.additionalProperties : {};
      return fc.dictionary(fc.string({ maxLength: 12 }), valuesOf(values, depth + 1), { maxKeys: 3 });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
};

/** A valid-looking body broken in one way: a required member dropped, one wrong-typed, or an unknown one added. */
const brokenBody = (schema: Schema) =>
  fc.tuple(valuesOf(schema), fc.nat(), nastyValue, fc.string({ maxLength: 20 })).map(([body, pick, nasty, extra]) => {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return nasty;
    const copy: Record<string, unknown> = { ...body };
    const keys = Object.keys(copy);
    const key = keys[pick % Math.max(keys.length, 1)];
    if (pick % 3 === 0 && key !== undefined) delete copy[key];
    else if (pick % 3 === 1 && key !== undefined) copy[key] = nasty;
    else copy[`unknown_${extra}`] = nasty;
    return copy;
  });

const oddPathSegments = [
  "%ED%A0%80",
  "%00",
  "..",
  "%FF",
  "x".repeat(300),
  "null",
  "-1",
  "9".repeat(40),
  "%F0%9F%98%80",
  " ",
];
const oddHeaderValues = [
  "",
  "x".repeat(8_000),
  '"unterminated',
  "W/",
  "*",
  "\u00ff\u00fe",
  "Bearer",
  "Bearer a.b.c",
  "0",
];

const allowAll = { limit: async () => ({ success: true }) } as unknown as RateLimit;
const fuzzEnv = {
  ...env,
  READ_RATE_LIMITER: allowAll,
  WRITE_RATE_LIMITER: allowAll,
  DELTA_RATE_LIMITER: allowAll,
  AUTH_RATE_LIMITER: allowAll,
};
const app = createApp();

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent by someone the target is hidden from (another user, or a member-only key not in the thread): never a 2xx. */
  hidden?: boolean;
}

/** A caller, and whether it is an outsider to the fixtures: another user, or a member-only key not in the thread. */
interface Caller {
  token?: string;
  outsider?: "user" | "key";
}

/** Real ids for path parameters, so most requests reach the handler's logic rather than a 404. */
let ids: Record<string, string> = {};
let callers: Caller[] = [];

/** Whether the operation's target (the fixtures in its path) is hidden from this caller by its access rule. */
const hiddenFrom = (caller: Caller, template: string, operation: Operation) => {
  const access = operation["x-access"];
  if (!template.includes("{") || !access) return false;
  if (caller.outsider === "user") return access.ownership === "self";
  return caller.outsider === "key" && access.memberKeys !== undefined;
};

const pathFor = (template: string, odd: number | undefined) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (odd !== undefined) return oddPathSegments[odd % oddPathSegments.length] ?? "x";
    const scope = template.split("/")[1] ?? "";
    return ids[`${scope}.${name}`] ?? ids[name] ?? "cmif7vj3k0000nothing00001";
  });

/** The requests for one operation: `count` of them, from the seed and the operation's position. */
const casesFor = (template: string, method: string, operation: Operation, index: number): Case[] => {
  const parameters = operation.parameters ?? [];
  const json = operation.requestBody?.content["application/json"]?.schema;
  const otherMedia = operation.requestBody && !json ? Object.keys(operation.requestBody.content)[0] : undefined;
  const query = fc.record(
    Object.fromEntries(
      parameters
        .filter((parameter) => parameter.in === "query")
        .map((parameter) => [
          parameter.name,
          fc.oneof(
            valuesOf(parameter.schema ?? {}).map((value) =>
              typeof value === "string" ? value : JSON.stringify(value),
            ),
            fc.constantFrom("abc", "-1", "1e309", "99999999999999999999", "", "%ED%A0%80", "true", "x".repeat(3000)),
          ),
        ]),
    ),
    { requiredKeys: [] },
  );
  const headerNames = parameters.filter((parameter) => parameter.in === "header").map((parameter) => parameter.name);
  const arbitrary = fc.record({
    // 0: as the schemas say (about 40 %); 1: odd path ids; 2: a broken body; 3: malformed JSON or a wrong
    // content type; 4: wrong-typed query parameters; 5: garbage headers.
    kind: fc.constantFrom(0, 0, 0, 0, 1, 2, 2, 3, 4, 5),
    caller: fc.nat(),
    query,
    body: json ? valuesOf(json) : fc.constant(undefined),
    broken: json ? brokenBody(json) : fc.constant(undefined),
    odd: fc.nat(),
    header: fc.constantFrom(...oddHeaderValues),
    raw: fc.string({ maxLength: 200, unit: "binary" }),
  });
  return fc.sample(arbitrary, { seed: SEED + index, numRuns: PER_OPERATION }).map((sample) => {
    const caller = callers[sample.caller % callers.length] ?? {};
    const token = caller.token;
    const headers: Record<string, string> = { "CF-Connecting-IP": randomIp(), Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (json) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(sample.kind === 2 ? sample.broken : sample.body);
    } else if (otherMedia) {
      headers["Content-Type"] = otherMedia.includes("*") ? "text/plain" : otherMedia;
      body = sample.raw;
    }
    if (sample.kind === 3 && body !== undefined) {
      // Malformed JSON, or a body in a type the operation does not take.
      if (sample.odd % 2 === 0) body = `${body.slice(0, Math.max(1, body.length - 1))}{`;
      else headers["Content-Type"] = "application/xml";
    }
    if (sample.kind === 5) {
      const name = headerNames[sample.odd % Math.max(headerNames.length, 1)] ?? "If-Match";
      headers[name] = sample.header;
      if (sample.odd % 4 === 0) headers.Authorization = `Bearer ${sample.header}garbage`;
    }
    const params = Object.entries(sample.query).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const search = new URLSearchParams(sample.kind === 4 || sample.kind === 0 ? params : []).toString();
    const path = pathFor(template, sample.kind === 1 ? sample.odd : undefined);
    // Odd path ids and garbage credentials name nothing hidden; real ids sent by an outsider must stay hidden.
    const hidden = sample.kind !== 1 && sample.kind !== 5 && hiddenFrom(caller, template, operation);
    return { method: method.toUpperCase(), path: search ? `${path}?${search}` : path, headers, body, hidden };
  });
};

/** Sends one case to the worker; the failure it shows, if any. */
const send = async ({ method, path, headers, body, hidden }: Case, documented: boolean): Promise<string | null> => {
  const request = new Request(`${BASE_URL}${path}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : body,
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, fuzzEnv, ctx);
  await waitOnExecutionContext(ctx);
  if (response.status >= 500 && response.status !== 503)
    return `${method} ${path} → ${response.status}: ${await response.text()}`;
  if (hidden && response.status < 300)
    return `${method} ${path} → ${response.status} to a caller it is hidden from: ${await response.text()}`;
  try {
    if (documented && response.status !== 404 && response.status !== 405)
      await assertMatchesContract(method, request.url, response);
    else if (response.status >= 400 && method !== "HEAD") await assertIsProblem(response);
    else await response.body?.cancel();
  } catch (error) {
    return `${method} ${path} → ${response.status}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
};

const METHODS = ["get", "post", "put", "patch", "delete"];
/** Writes that end the callers' own credentials or data go last, so the others still meet live fixtures. */
const destructive = (template: string, method: string) =>
  method === "delete" || template === "/auth/logout" || template === "/auth/refresh";

describe("spec-driven fuzzing", () => {
  beforeAll(async () => {
    const owner = await newUser();
    const viewer = await newUser("VIEWER");
    const stranger = await newUser();
    const scopes: Scope[] = [
      "users:read",
      "users:write",
      "threads:read",
      "threads:write",
      "messages:write",
      "files:read",
      "files:write",
      "artifacts:write",
    ];
    // A workspace-wide key, and member-only keys: one the owner adds to the thread, one in no thread of the owner's.
    const [member, outsider] = await Promise.all([newMemberAgent(scopes), newMemberAgent(scopes)]);
    const agent = await newAgent(scopes);
    const thread = await newThread(owner.api);
    await addAgent(owner.api, thread.id, member.id);
    const message = await post(owner.api, thread.id, "fuzz target");
    const artifact = await unwrap(
      owner.api.POST("/threads/{id}/artifacts", {
        params: { path: { id: thread.id } },
        body: { type: "DOCUMENT", title: "fuzz", content: { format: "text", body: "hi" } },
      }),
    );
    const [session] = await unwrap(owner.api.GET("/me/sessions"));
    ids = {
      "users.id": owner.id,
      "threads.id": thread.id,
      message_id: message.id,
      artifact_id: artifact.id,
      version: "1",
      emoji: "thumbsup",
      "api-keys.id": agent.id,
      "sessions.id": session?.id ?? "none",
      part_number: "1",
      key_id: member.id,
    };
    // Mostly real callers, so most requests get past authentication; some anonymous or with a bad token.
    const admin = await adminAccessToken();
    callers = [
      { token: admin },
      { token: owner.token },
      { token: owner.token },
      { token: agent.token },
      { token: member.token },
      { token: viewer.token },
      { token: stranger.token, outsider: "user" },
      { token: outsider.token, outsider: "key" },
      {},
      { token: "not-a-token" },
    ];
  });

  it(`answers every generated request to every operation with a documented answer, never a 500 (seed ${SEED})`, {
    timeout: 600_000,
  }, async () => {
    const operations = Object.entries(document.paths)
      .flatMap(([template, methods]) =>
        Object.entries(methods)
          .filter(([method]) => METHODS.includes(method))
          .map(([method, operation]) => ({ template, method, operation })),
      )
      .sort((a, b) => Number(destructive(a.template, a.method)) - Number(destructive(b.template, b.method)));
    const failures: string[] = [];
    let sent = 0;
    let hidden = 0;
    for (const [index, { template, method, operation }] of operations.entries()) {
      for (const request of casesFor(template, method, operation, index)) {
        const failure = await send(request, true);
        sent += 1;
        if (request.hidden) hidden += 1;
        if (failure) failures.push(failure.slice(0, 600));
      }
    }
    // Methods each path does not have: 405 (or 404) as a problem, never a 500.
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const method of METHODS.filter((m) => !(m in methods))) {
        const failure = await send(
          {
            method: method.toUpperCase(),
            path: pathFor(template, undefined),
            headers: { Authorization: `Bearer ${callers[1]?.token}` },
            body: "{}",
          },
          false,
        );
        sent += 1;
        if (failure) failures.push(failure.slice(0, 600));
      }
    }
    console.log(
      `fuzz: ${sent} requests to ${operations.length} operations (seed ${SEED}), ${hidden} of them by outsiders, ${failures.length} failures`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(operations.length * PER_OPERATION);
    // The hidden-from-others rule was exercised, not vacuously true.
    expect(hidden).toBeGreaterThan(operations.length);
  });
});

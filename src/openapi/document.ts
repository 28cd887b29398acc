import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

/**
 * The `info`, `servers` and `tags` of the published contract; paths come from the routes. `guides` (the Markdown
 * of docs/, composed by scripts/guides.mjs) is the description the hosted reference opens with.
 */
export const documentConfig = (version: string, guides: string) => ({
  openapi: "3.1.0",
  info: {
    title: "Experience Layer API",
    version,
    description: guides,
    contact: { name: "Experience Layer team", url: "https://docs.experience-layer.dev" },
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
  },
  servers: [
    {
      url: "/",
      description: "The environment that served this document: local, staging or production",
      "x-internal": false,
    },
    { url: "https://api.experience-layer.dev", description: "Production", "x-internal": false },
  ],
  tags: [
    { name: "Health", description: "Liveness and readiness of the service and its database." },
    { name: "Users", description: "People who sign in, with their roles." },
    { name: "Auth", description: "Sign-in, token refresh and sign-out." },
    { name: "Me", description: "The signed-in user: profile and sessions." },
    { name: "API keys", description: "Partner API keys with scopes: created, listed and revoked by admins." },
    {
      name: "Threads",
      description: "Conversations between people and agents: created, listed by last activity, archived, deleted.",
    },
    {
      name: "Messages",
      description:
        "Messages in a thread: plain text with Slack-compatible Block Kit blocks, metadata, attachments and replies.",
    },
    { name: "Reactions", description: "Emoji reactions on messages, by users and agents." },
    { name: "Memory", description: "The JSON document an agent keeps per thread, versioned." },
    {
      name: "Interactions",
      description: "People acting on messages' buttons, menus and forms (Slack's block actions and submissions).",
    },
    {
      name: "Artifacts",
      description: "Structured outputs agents publish into threads (insights, reports, dashboards, …), versioned.",
    },
    { name: "Events", description: "Each thread's ordered log of changes: catch up with it, or poll it." },
    { name: "Search", description: "Full-text search over the messages you can see." },
    {
      name: "Files",
      description: "Files on R2: streamed uploads (raw or form) with checksums, ranged downloads, signed links.",
    },
    {
      name: "MCP",
      description:
        "The Model Context Protocol endpoint for agents: the operations marked for agents as tools, threads as resources.",
    },
    {
      name: "Chat",
      description:
        "Chat front-ends as they are: the AI SDK's `useChat` posts, resumes and loads history here, over the thread's log and the streamed-reply operations.",
    },
    {
      name: "OAuth",
      description:
        "This API as an OAuth 2.1 authorization server, for MCP clients that cannot be given an API key: metadata, dynamic registration, consent through Google sign-in, tokens.",
    },
    {
      name: "Uploads",
      description:
        "Resumable uploads of large files: started, sent in retryable parts, completed into a file or aborted.",
    },
    {
      name: "Webhooks",
      description:
        "Events of the thread log POSTed to your endpoint, signed per Standard Webhooks and delivered at least once: subscriptions, deliveries, retries. The payloads are under `webhooks`.",
    },
    { name: "Meta", description: "This contract and its interactive reference." },
  ],
});

/** Headers every response carries, set by middleware rather than by each route. */
const commonHeaders = {
  "X-Request-Id": {
    description: "The request id: the one you sent, or a generated one. Quote it when reporting a problem.",
    schema: { type: "string", maxLength: 255 },
  },
  "Server-Timing": {
    description:
      'Where the time went (W3C Server Timing): `auth` — verifying the credentials of a guarded operation —, `ratelimit` — waiting on the rate limiter, on limited operations —, `db` — time waiting on D1, with how many statements ran — and `total`, e.g. `auth;dur=1.1;desc="Credentials", db;dur=4.2;desc="D1, 3 statements", total;dur=9.8;desc="Total"`.',
    schema: { type: "string", maxLength: 1024 },
  },
  "Consistency-Bookmark": {
    description:
      "How recent the data this request read or wrote is (a D1 bookmark; they sort oldest to newest). Send the newest you have back as the `Consistency-Bookmark` request header to read your own writes when a replica answers.",
    schema: {
      type: "string",
      maxLength: 59,
      pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{32}$",
    },
  },
  "Access-Control-Allow-Origin": {
    description: "Present when the request's Origin is one of the configured CORS origins.",
    schema: { type: "string", format: "uri", maxLength: 2048 },
  },
};

type ResponseObject = { $ref?: string; headers?: Record<string, unknown> };

const withCommonHeaders = (response: ResponseObject) => {
  if (!response.$ref) response.headers = { ...commonHeaders, ...response.headers };
};

/** The request header every operation takes, read by middleware rather than by each route. */
const bookmarkParameter = {
  name: "Consistency-Bookmark",
  in: "header" as const,
  required: false,
  description:
    "The newest `Consistency-Bookmark` a response gave you: the request is answered from a copy of the database at least that recent (read your own writes). Without it, a read may be answered by any copy. A value this API cannot have issued is 400.",
  schema: {
    type: "string" as const,
    maxLength: 59,
    pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{32}$",
  },
  example: "00000003-00000005-00004fa2-0f7e23b9a4d1c05e8f6a2b3c4d5e6f70",
};

type OperationObject = { responses?: Record<string, ResponseObject>; parameters?: unknown[] };

/**
 * The top-level `webhooks` (what subscriptions receive) are registered on an app of their own and merged in: in the
 * same registry as the paths they would change which variant of a shared schema becomes its component (the first
 * one the generator meets), and so the paths' own schemas.
 */
const webhookApps = new WeakMap<OpenAPIHono<AppEnv>, OpenAPIHono<AppEnv>>();

export const attachWebhooks = (app: OpenAPIHono<AppEnv>, webhooks: OpenAPIHono<AppEnv>) => {
  webhookApps.set(app, webhooks);
};

const withWebhooks = (document: ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>, app: OpenAPIHono<AppEnv>) => {
  const webhooks = webhookApps.get(app);
  if (!webhooks) return document;
  const section = webhooks.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "", version: "" } });
  const schemas = { ...section.components?.schemas, ...document.components?.schemas };
  return { ...document, webhooks: section.webhooks, components: { ...document.components, schemas } };
};

const buildDocument = (app: OpenAPIHono<AppEnv>, version: string, guides: string) => {
  const document = withWebhooks(app.getOpenAPI31Document(documentConfig(version, guides)), app);
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem as Record<string, OperationObject>)) {
      Object.values(operation.responses ?? {}).forEach(withCommonHeaders);
      operation.parameters = [...(operation.parameters ?? []), { $ref: "#/components/parameters/ConsistencyBookmark" }];
    }
  }
  document.components = {
    ...document.components,
    parameters: { ...document.components?.parameters, ConsistencyBookmark: bookmarkParameter },
  };
  Object.values((document.components?.responses ?? {}) as Record<string, ResponseObject>).forEach(withCommonHeaders);
  return document;
};

/** Generating the document walks every schema: do it once per isolate, version and guides. */
const cache = new Map<string, ReturnType<typeof buildDocument>>();

export const openApiDocument = (app: OpenAPIHono<AppEnv>, version: string, guides: string) => {
  const key = `${version}\n${guides}`;
  let document = cache.get(key);
  if (!document) {
    document = buildDocument(app, version, guides);
    cache.set(key, document);
  }
  return document;
};

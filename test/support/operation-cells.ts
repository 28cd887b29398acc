import committed from "../../openapi/openapi.json";
import { type components, unwrap } from "../../sdk/src";
import tools from "../../src/mcp/tools.generated.json";
import { type Harness, type Role, randomIp, type Scope, uniqueEmail } from "./harness";
import { makePng } from "./images";

/** A message's blocks to act on: a button (`b` / `go`) and an optional text input (`note` / `text`). */
export const ACTION_AND_INPUT: components["schemas"]["Block"][] = [
  {
    type: "actions",
    block_id: "b",
    elements: [{ type: "button", action_id: "go", text: { type: "plain_text", text: "Go" } }],
  },
  {
    type: "input",
    block_id: "note",
    optional: true,
    label: { type: "plain_text", text: "Note" },
    element: { type: "plain_text_input", action_id: "text" },
  },
];

/** Where the matrix's webhook subscriptions point: a closed local port (allowed in development). */
const MATRIX_WEBHOOK_URL = "http://127.0.0.1:9/matrix-hook";
/** Where the matrix's OAuth clients are sent back to (nothing follows the redirect). */
const MATRIX_OAUTH_REDIRECT = "http://127.0.0.1:9/oauth-callback";

/**
 * Cells of the access matrix: one operation called by one kind of caller, with the status the operation's
 * `x-access` (written by the same `guarded`/`publicAccess` call that enforces it) says that caller gets.
 * The access matrix runs every cell in the worker; the contract-proxy run (test/e2e/prism-proxy.test.ts)
 * sends cells through Prism to `wrangler dev`. Every operation needs a fixture here.
 */
export type Access =
  | { public: true }
  | { roles: Role[]; scope?: Scope; anyScope?: true; ownership?: "self"; memberKeys?: "thread" | "own" };
export interface Operation {
  operationId: string;
  "x-access": Access;
  /** Also an MCP tool (src/openapi/mcp.ts). */
  "x-mcp"?: boolean;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}

export interface OperationEntry {
  path: string;
  method: string;
  operation: Operation;
}

export const operations: OperationEntry[] = Object.entries(
  committed.paths as unknown as Record<string, Record<string, Operation>>,
).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
);

export type Caller =
  | { kind: "anonymous" }
  | { kind: "user"; label: string; role: Role; owner: boolean }
  /** `reach`: a workspace-wide key (`threads:all`), or a member-only key in the cell's thread or not. */
  | { kind: "api_key"; label: string; withScope: boolean; reach: "workspace" | "in" | "out" };

export const CALLERS: Caller[] = [
  { kind: "anonymous" },
  { kind: "user", label: "user (owner)", role: "USER", owner: true },
  { kind: "user", label: "other user", role: "USER", owner: false },
  { kind: "user", label: "read-only", role: "VIEWER", owner: false },
  { kind: "user", label: "admin", role: "ADMIN", owner: false },
  { kind: "api_key", label: "workspace-wide key with the scope", withScope: true, reach: "workspace" },
  { kind: "api_key", label: "member key in the thread", withScope: true, reach: "in" },
  { kind: "api_key", label: "member key not in the thread", withScope: true, reach: "out" },
  { kind: "api_key", label: "API key without the scope", withScope: false, reach: "workspace" },
];
export const callerName = (caller: Caller) => (caller.kind === "anonymous" ? "anonymous" : caller.label);

/** What a cell's request needs: the owner's user and the caller's own session, made fresh per cell. */
interface CellContext {
  ownerId: string;
  ownerToken: string;
  ownerSessionId: string;
  callerKind: Caller["kind"];
  callerToken?: string;
  callerSessionId?: string;
  /** The owner adds the caller to a thread of theirs when the caller is a member-only key "in the thread". */
  admit: (threadId: string) => Promise<void>;
}
interface CellRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** Sent as JSON, unless `contentType` says otherwise and it is a string (sent as is). */
  body?: unknown;
  /** Of the body; application/json unless told. */
  contentType?: string;
  /** Extra request headers (a precondition). */
  headers?: Record<string, string>;
}
export interface Fixture {
  /** Path parameters, query and body for this cell. */
  request: (ctx: CellContext) => Promise<CellRequest>;
  /** Public operations whose success needs what no caller here has (a provider's code, a Google ID token). */
  publicStatus?: number;
  /** The cell's success where the operation documents several (else its only 2xx). */
  success?: number;
}

const successStatus = (operation: Operation, fixture: Fixture) =>
  fixture.success ?? Number(Object.keys(operation.responses).find((s) => s.startsWith("2")));

/** The status the operation's access rule refuses this caller with; undefined when it lets the caller in. */
const refusal = (operation: Operation, caller: Caller): number | undefined => {
  const access = operation["x-access"];
  if ("public" in access) return undefined;
  if (caller.kind === "anonymous") return 401;
  if (caller.kind === "api_key") {
    if (!(access.anyScope || (access.scope && caller.withScope))) return 403;
    // A member-only key reaches a thread it is in and what is in it; of files, it deletes its own only.
    if (caller.reach === "out" && access.memberKeys) return 404;
    if (caller.reach === "in" && access.memberKeys === "own") return 404;
    return undefined;
  }
  if (!access.roles.includes(caller.role)) return 403;
  if (access.ownership === "self" && caller.role !== "ADMIN" && !caller.owner) return 404;
  return undefined;
};

/** Whether the caller gets past the operation's access rule to the operation itself. */
export const admits = (operation: Operation, caller: Caller) => refusal(operation, caller) === undefined;

export const expectedStatus = (operation: Operation, caller: Caller, fixture: Fixture): number =>
  refusal(operation, caller) ??
  ("public" in operation["x-access"] ? fixture.publicStatus : undefined) ??
  successStatus(operation, fixture);

/**
 * One fixture per operation (its path parameters, query and body for a cell), and the cell itself, for `h`.
 * `publicStatus` overrides what a public operation answers everyone where the server's configuration differs
 * (e.g. Google sign-in not configured at all).
 */
export const operationCells = (h: Harness, publicStatus: Record<string, number> = {}) => {
  /** An authorization request of a client registered for it (where Google sign-in is off, registering fails too). */
  const oauthRequest = async () => {
    const { data } = await h.anonymous.POST("/oauth/register", {
      body: { redirect_uris: [MATRIX_OAUTH_REDIRECT] },
      headers: { "CF-Connecting-IP": randomIp() },
    });
    return {
      client_id: data?.client_id ?? "not-registered",
      redirect_uri: MATRIX_OAUTH_REDIRECT,
      response_type: "code",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    };
  };
  const fixtures: Record<string, Fixture> = {
    getHealth: { request: async () => ({}) },
    getLiveness: { request: async () => ({}) },
    getOpenApiDocument: { request: async () => ({}) },
    getApiReference: { request: async () => ({}) },
    devSignIn: { request: async () => ({ body: { email: uniqueEmail("matrix"), role: "USER" } }) },
    refreshTokens: { request: async () => ({ body: { refresh_token: (await h.signIn("USER")).refresh_token } }) },
    signOut: { request: async () => ({}) },
    getMe: { request: async () => ({}) },
    postMcp: { request: async () => ({ body: { jsonrpc: "2.0", id: 1, method: "tools/list" } }) },
    getMcpResourceMetadata: { request: async () => ({}) },
    getApiResourceMetadata: { request: async () => ({}) },
    sendChatMessage: {
      request: async (ctx) => ({
        body: {
          id: (await ownerThread(ctx)).id,
          messages: [{ id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: "matrix" }] }],
          trigger: "submit-message",
        },
      }),
    },
    // Nothing streams in the owner's thread: resuming answers 204.
    resumeChatStream: { request: async (ctx) => ({ params: { id: (await ownerThread(ctx)).id } }), success: 204 },
    listChatMessages: { request: async (ctx) => ({ params: { id: (await ownerThread(ctx)).id } }) },
    runAgUiAgent: {
      request: async (ctx) => ({
        body: {
          threadId: (await ownerThread(ctx)).id,
          runId: crypto.randomUUID(),
          messages: [{ id: crypto.randomUUID(), role: "user", content: "matrix" }],
        },
      }),
    },
    updateMe: { request: async () => ({ body: { name: "Matrix" } }) },
    listMySessions: { request: async () => ({}) },
    revokeMySession: {
      // Each caller revokes a session of its own; other people's sessions are covered in auth.sessions.test.ts.
      request: async ({ callerSessionId }) => ({ params: { id: callerSessionId ?? "cnosession00000000000000" } }),
    },
    createUser: { request: async () => ({ body: { email: uniqueEmail("matrix"), name: "Matrix" } }) },
    listUsers: { request: async () => ({}) },
    getUser: { request: async ({ ownerId }) => ({ params: { id: ownerId } }) },
    updateUser: { request: async ({ ownerId }) => ({ params: { id: ownerId }, body: { name: "Renamed" } }) },
    deleteUser: { request: async ({ ownerId }) => ({ params: { id: ownerId } }) },
    createApiKey: { request: async () => ({ body: { name: "matrix", scopes: ["users:read"] } }) },
    listApiKeys: { request: async () => ({}) },
    getApiKey: { request: async () => ({ params: { id: (await newApiKey(["users:read"])).id } }) },
    revokeApiKey: { request: async () => ({ params: { id: (await newApiKey(["users:read"])).id } }) },
    // Its provider is unreachable inside the workers tests: everyone alike gets 503 (the e2e suite gets the 302).
    startGoogleSignIn: { request: async () => ({}), publicStatus: 503 },
    // Without a state cookie and a provider's code the callback refuses everyone alike.
    completeGoogleSignIn: { request: async () => ({}), publicStatus: 401 },
    signInWithGoogleIdToken: { request: async () => ({ body: { id_token: "not.a.token" } }), publicStatus: 401 },
    getAuthorizationServerMetadata: { request: async () => ({}) },
    registerOAuthClient: {
      request: async () => ({ body: { redirect_uris: [MATRIX_OAUTH_REDIRECT], client_name: "Matrix" } }),
    },
    authorizeOAuthClient: { request: async () => ({ query: await oauthRequest() }), success: 200 },
    // Declined, which needs no Google: straight back to the client. The form must come from the consent page.
    approveOAuthClient: {
      request: async () => ({
        body: new URLSearchParams({ ...(await oauthRequest()), decision: "deny" }).toString(),
        contentType: "application/x-www-form-urlencoded",
        headers: { Origin: new URL(h.baseUrl).origin },
      }),
      success: 302,
    },
    exchangeOAuthToken: {
      request: async () => ({
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: (await h.signIn("USER")).refresh_token,
        }).toString(),
        contentType: "application/x-www-form-urlencoded",
      }),
    },
    createThread: {
      // API keys name the user the thread is for; users create their own.
      request: async ({ ownerId, callerKind }) => ({
        body: { title: "matrix", ...(callerKind === "api_key" ? { owner_id: ownerId } : {}) },
      }),
    },
    listThreads: { request: async () => ({}) },
    listThreadAgents: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    // A member-only key of its own (an admin made it), added by the caller.
    addThreadAgent: {
      request: async (ctx) => ({
        params: { ...(await ownerThread(ctx)), key_id: (await newApiKey(["threads:read"])).id },
      }),
      success: 201,
    },
    // A member-only key the owner added first.
    removeThreadAgent: {
      request: async (ctx) => {
        const thread = await ownerThread(ctx);
        const key = await newApiKey(["threads:read"]);
        await addTo(ctx.ownerToken, thread.id, key.id);
        return { params: { ...thread, key_id: key.id } };
      },
    },
    // Webhooks: an admin's subscription (admins and workspace-wide keys manage every one, member keys their own).
    // Scoped to the owner's thread (admitting a member key), so the matrix's many subscriptions fan out to little.
    createWebhook: {
      request: async (ctx) => ({
        body: { url: MATRIX_WEBHOOK_URL, events: ["message.created"], thread_id: (await ownerThread(ctx)).id },
      }),
    },
    listWebhooks: { request: async () => ({}) },
    getWebhook: { request: async () => ({ params: await adminWebhook() }) },
    updateWebhook: { request: async () => ({ params: await adminWebhook(), body: { description: "changed" } }) },
    deleteWebhook: { request: async () => ({ params: await adminWebhook() }) },
    rotateWebhookSecret: { request: async () => ({ params: await adminWebhook() }) },
    testWebhook: { request: async () => ({ params: await adminWebhook() }) },
    listWebhookDeliveries: { request: async () => ({ params: await adminWebhook() }) },
    retryWebhookDelivery: {
      request: async () => {
        const { id, token } = await adminWebhookWithToken();
        const delivery = await unwrap(h.clientWith(token).POST("/webhooks/{id}/test", { params: { path: { id } } }));
        return { params: { id, delivery_id: delivery.id } };
      },
    },
    getThread: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    updateThread: { request: async (ctx) => ({ params: await ownerThread(ctx), body: { title: "Renamed" } }) },
    deleteThread: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    getThreadMemory: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    replaceThreadMemory: { request: async (ctx) => ({ params: await ownerThread(ctx), body: { notes: "first" } }) },
    updateThreadMemory: {
      request: async (ctx) => ({
        params: await ownerThread(ctx),
        body: { notes: "patched" },
        contentType: "application/merge-patch+json",
      }),
    },
    createMessage: { request: async (ctx) => ({ params: await ownerThread(ctx), body: { text: "hello" } }) },
    listMessages: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    getMessage: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    // Only a message's author edits it: the cell edits one of the caller's own where it could post one.
    updateMessage: { request: async (ctx) => ({ params: await callersMessage(ctx), body: { text: "edited" } }) },
    deleteMessage: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    // Only the author streams into a message: the cell streams into one the caller started.
    appendMessageDelta: {
      request: async (ctx) => ({
        params: await callersMessage(ctx, { streaming: true }),
        body: { offset: "by the caller".length, text: " and more" },
      }),
    },
    completeMessage: { request: async (ctx) => ({ params: await callersMessage(ctx, { streaming: true }), body: {} }) },
    stopMessage: { request: async (ctx) => ({ params: await callersMessage(ctx, { streaming: true }) }) },
    regenerateReply: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    markThreadRead: { request: async (ctx) => ({ params: await ownerThread(ctx), body: { seq: 1 } }) },
    getThreadReadState: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    exportThread: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    getMyUnreadCounts: { request: async () => ({}) },
    listMyMentions: { request: async () => ({}) },
    listReactions: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    addReaction: { request: async (ctx) => ({ params: { ...(await ownerThread(ctx)), emoji: "thumbsup" } }) },
    removeReaction: { request: async (ctx) => ({ params: { ...(await ownerThread(ctx)), emoji: "thumbsup" } }) },
    listThreadEvents: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    // Everyone reads their own user stream: nothing of another's is reachable through it.
    listMyEvents: { request: async () => ({}) },
    createStreamToken: { request: async (ctx) => ({ body: { thread_id: (await ownerThread(ctx)).id } }) },
    setActivityStatus: { request: async (ctx) => ({ params: await ownerThread(ctx), body: { text: "thinking…" } }) },
    clearActivityStatus: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    listActivityStatuses: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    searchMessages: { request: async () => ({ query: { q: "owner" } }) },
    createArtifact: {
      request: async (ctx) => ({
        params: await ownerThread(ctx),
        body: { type: "DOCUMENT", title: "matrix", content: { format: "text", body: "hi" } },
      }),
    },
    listArtifacts: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    getArtifact: { request: async (ctx) => ({ params: await ownerArtifact(ctx) }) },
    updateArtifact: {
      request: async (ctx) => ({
        params: await ownerArtifact(ctx),
        body: { title: "v2" },
        headers: { "If-Match": '"1"' },
      }),
    },
    deleteArtifact: { request: async (ctx) => ({ params: await ownerArtifact(ctx) }) },
    listArtifactVersions: { request: async (ctx) => ({ params: await ownerArtifact(ctx) }) },
    getArtifactVersion: { request: async (ctx) => ({ params: { ...(await ownerArtifact(ctx)), version: "1" } }) },
    restoreArtifactVersion: {
      request: async (ctx) => ({
        params: { ...(await ownerArtifact(ctx)), version: "1" },
        headers: { "If-Match": '"1"' },
      }),
    },
    submitBlockAction: {
      request: async (ctx) => ({
        params: await ownerInteractiveMessage(ctx),
        body: { block_id: "b", action_id: "go" },
      }),
    },
    submitForm: { request: async (ctx) => ({ params: await ownerInteractiveMessage(ctx), body: { values: {} } }) },
    listInteractions: { request: async (ctx) => ({ params: await ownerThread(ctx) }) },
    getFilePreview: { request: async (ctx) => ({ params: await ownerPreviewedImage(ctx) }) },
    getFileThumbnail: { request: async (ctx) => ({ params: await ownerPreviewedImage(ctx) }) },
    uploadFile: {
      request: async () => ({ query: { filename: "cell.txt" }, body: "a file", contentType: "text/plain" }),
    },
    listFiles: { request: async () => ({}) },
    getFile: { request: async (ctx) => ({ params: await ownerFile(ctx) }) },
    deleteFile: { request: async (ctx) => ({ params: await ownerFile(ctx) }) },
    downloadFile: { request: async (ctx) => ({ params: await ownerFile(ctx) }) },
    createDownloadLink: { request: async (ctx) => ({ params: await ownerFile(ctx), body: {} }) },
    downloadFileWithLink: { request: (ctx) => ownerFileLink(ctx) },
    // Uploads are seen and used by their own maker only (admins included), so each cell uses its own.
    createUpload: {
      request: async () => ({ body: { filename: "cell.txt", content_type: "text/plain", total_bytes: 10 } }),
    },
    getUpload: { request: async (ctx) => ({ params: await callersUpload(ctx) }) },
    uploadPart: {
      request: async (ctx) => ({
        params: { ...(await callersUpload(ctx)), part_number: "1" },
        body: "0123456789",
        contentType: "application/octet-stream",
      }),
    },
    // 201 the first time (completing it again answers 200 with the same file).
    completeUpload: {
      request: async (ctx) => ({ params: await callersUpload(ctx, { withPart: true }) }),
      success: 201,
    },
    abortUpload: { request: async (ctx) => ({ params: await callersUpload(ctx) }) },
  };

  /** The thread's owner adds an API key to it. */
  const addTo = async (ownerToken: string, threadId: string, keyId: string) => {
    await unwrap(
      h.clientWith(ownerToken).PUT("/threads/{id}/agents/{key_id}", {
        params: { path: { id: threadId, key_id: keyId } },
        headers: { "CF-Connecting-IP": randomIp() },
      }),
    );
  };

  /** A thread of the cell's owner, with one message by the owner; the caller is admitted when it is to be in it. */
  /** A subscription an admin made, to a closed local port and scoped to a thread of theirs with nothing in it. */
  const adminWebhookWithToken = async () => {
    const token = (await h.signIn("ADMIN")).access_token;
    const api = h.clientWith(token);
    const thread = await unwrap(api.POST("/threads", { body: { title: "matrix webhooks" } }));
    const made = await unwrap(
      api.POST("/webhooks", {
        body: { url: MATRIX_WEBHOOK_URL, events: ["message.created"], thread_id: thread.id },
      }),
    );
    return { id: made.id, token };
  };
  const adminWebhook = async () => ({ id: (await adminWebhookWithToken()).id });

  const ownerThread = async ({ ownerToken, admit }: CellContext) => {
    const api = h.clientWith(ownerToken);
    const thread = await unwrap(
      api.POST("/threads", { body: { title: "matrix", messages: [{ text: "by the owner" }] } }),
    );
    const [message] = await unwrap(api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }));
    if (!message) throw new Error("the owner's thread has no message");
    await admit(thread.id);
    return { id: thread.id, message_id: message.id };
  };

  /** A message in the owner's thread by the caller when the caller may post there, else by the owner. */
  const callersMessage = async (ctx: CellContext, body: { streaming?: boolean } = {}) => {
    const thread = await ownerThread(ctx);
    if (!ctx.callerToken) return thread;
    const { data } = await h.clientWith(ctx.callerToken).POST("/threads/{id}/messages", {
      params: { path: { id: thread.id } },
      body: { text: "by the caller", ...body },
      headers: { "CF-Connecting-IP": randomIp() },
    });
    return data ? { id: thread.id, message_id: data.data.id } : thread;
  };

  /** A file the cell's owner uploaded into a thread of theirs (which the caller is in when it is to be). */
  const ownerFile = async (ctx: CellContext, file: { name: string; type: string; body: BodyInit } = TEXT_FILE) => {
    const { ownerToken } = ctx;
    const thread = await ownerThread(ctx);
    const response = await h.fetch(
      new Request(new URL(`/files?filename=${file.name}&thread_id=${thread.id}`, h.baseUrl), {
        method: "POST",
        headers: { Authorization: `Bearer ${ownerToken}`, "Content-Type": file.type, "CF-Connecting-IP": randomIp() },
        body: file.body,
      }),
    );
    const { data } = await response.json<{ data: { id: string } }>();
    return { id: data.id };
  };
  const TEXT_FILE = { name: "matrix.txt", type: "text/plain", body: "matrix" };

  /** An image of the owner's whose preview (and thumbnail) is made: the queue consumer runs a moment later. */
  const ownerPreviewedImage = async (ctx: CellContext) => {
    const file = await ownerFile(ctx, { name: "matrix.png", type: "image/png", body: await makePng(64, 48) });
    const api = h.clientWith(ctx.ownerToken);
    for (let attempt = 0; attempt < 100; attempt++) {
      const { response } = await api.GET("/files/{id}/preview", { params: { path: file } });
      if (response.status === 200) return file;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the owner's image got no preview");
  };

  /** A thread of the owner's with a message of theirs holding a button and an optional input. */
  const ownerInteractiveMessage = async ({ ownerToken, admit }: CellContext) => {
    const api = h.clientWith(ownerToken);
    const thread = await unwrap(api.POST("/threads", { body: { title: "matrix" } }));
    await admit(thread.id);
    const message = await unwrap(
      api.POST("/threads/{id}/messages", {
        params: { path: { id: thread.id } },
        body: {
          text: "act",
          blocks: ACTION_AND_INPUT,
        },
      }),
    );
    return { id: thread.id, message_id: message.id };
  };

  /**
   * A 10-byte upload made by the caller where the caller may make one, else by the owner (the cell is
   * then refused before the upload is looked at); with its one part sent when asked.
   */
  const callersUpload = async (ctx: CellContext, { withPart = false } = {}) => {
    const attempt = async (token: string) => {
      const { data } = await h.clientWith(token).POST("/uploads", {
        body: { filename: "cell.txt", content_type: "text/plain", total_bytes: 10 },
        headers: { "CF-Connecting-IP": randomIp() },
      });
      return data ? { token, id: data.data.id } : undefined;
    };
    const made = (ctx.callerToken ? await attempt(ctx.callerToken) : undefined) ?? (await attempt(ctx.ownerToken));
    if (!made) throw new Error("no upload could be made");
    if (withPart) {
      await h.fetch(
        new Request(new URL(`/uploads/${made.id}/parts/1`, h.baseUrl), {
          method: "PUT",
          headers: {
            Authorization: `Bearer ${made.token}`,
            "Content-Type": "application/octet-stream",
            "CF-Connecting-IP": randomIp(),
          },
          body: "0123456789",
        }),
      );
    }
    return { id: made.id };
  };

  /** An insight the owner published in a thread of theirs, at version 1. */
  const ownerArtifact = async (ctx: CellContext) => {
    const { id } = await ownerThread(ctx);
    const artifact = await unwrap(
      h.clientWith(ctx.ownerToken).POST("/threads/{id}/artifacts", {
        params: { path: { id } },
        body: { type: "INSIGHT", title: "matrix", content: { claim: "c", confidence: 0.5, evidence: [] } },
      }),
    );
    return { id, artifact_id: artifact.id };
  };

  /** A signed link to the owner's file, as its query parameters. */
  const ownerFileLink = async (ctx: CellContext) => {
    const { id } = await ownerFile(ctx);
    const link = await unwrap(
      h.clientWith(ctx.ownerToken).POST("/files/{id}/links", { params: { path: { id } }, body: {} }),
    );
    return { params: { id }, query: Object.fromEntries(new URL(link.url).searchParams) };
  };

  const newApiKey = (scopes: Scope[]) => h.createApiKey(scopes, "matrix");

  const meOf = (token: string) => unwrap(h.clientWith(token).GET("/me"));

  /** The caller's credentials, made fresh for each cell (sign-out and deletes must not leak into others). */
  const credentialsFor = async (caller: Caller, owner: { accessToken: string; sessionId: string }, scope?: Scope) => {
    if (caller.kind === "anonymous") return {};
    if (caller.kind === "api_key") {
      // Without the scope: some other scope, so the key itself is valid.
      const other: Scope = scope === "users:read" ? "users:write" : "users:read";
      const scopes: Scope[] = [caller.withScope && scope ? scope : other];
      if (caller.reach === "workspace") scopes.push("threads:all");
      const key = await newApiKey(scopes);
      return { token: key.secret, keyId: key.id };
    }
    if (caller.owner) return { token: owner.accessToken, sessionId: owner.sessionId };
    const tokens = await h.signIn(caller.role);
    return { token: tokens.access_token, sessionId: tokens.session_id };
  };

  /** A cell's request: fresh credentials for the caller and a fresh owner, the operation's fixture request. */
  const prepareCell = async (
    { path, operation }: OperationEntry,
    caller: Caller,
    bodyInstead?: { body?: string; contentType?: string },
  ) => {
    const fixture = fixtures[operation.operationId];
    if (!fixture) throw new Error(`no fixture for ${operation.operationId}`);
    const ownerTokens = await h.signIn("USER");
    const ownerId = (await meOf(ownerTokens.access_token)).id;
    const access = operation["x-access"];
    const credentials = await credentialsFor(
      caller,
      { accessToken: ownerTokens.access_token, sessionId: ownerTokens.session_id },
      "scope" in access ? access.scope : undefined,
    );
    const admit = async (threadId: string) => {
      if (caller.kind === "api_key" && caller.reach === "in" && "keyId" in credentials && credentials.keyId) {
        await addTo(ownerTokens.access_token, threadId, credentials.keyId);
      }
    };
    const {
      params = {},
      query = {},
      body,
      contentType = "application/json",
      headers: extraHeaders = {},
    } = await fixture.request({
      ownerId,
      ownerToken: ownerTokens.access_token,
      ownerSessionId: ownerTokens.session_id,
      callerKind: caller.kind,
      callerToken: credentials.token,
      callerSessionId: credentials.sessionId,
      admit,
    });
    const url = new URL(
      path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? ""),
      h.baseUrl,
    );
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const headers = new Headers({ ...extraHeaders, "CF-Connecting-IP": randomIp() });
    if (credentials.token) headers.set("Authorization", `Bearer ${credentials.token}`);
    const sent = bodyInstead ?? {
      contentType: body === undefined ? undefined : contentType,
      body:
        body === undefined
          ? undefined
          : contentType !== "application/json" && typeof body === "string"
            ? body
            : JSON.stringify(body),
    };
    if (sent.contentType !== undefined) headers.set("Content-Type", sent.contentType);
    const status = publicStatus[operation.operationId];
    const expected = expectedStatus(operation, caller, status ? { ...fixture, publicStatus: status } : fixture);
    return { url, headers, sent, values: { params, query, body, headers: extraHeaders }, expected };
  };

  /**
   * One cell, sent with `h.fetch`: the response and the status the operation's `x-access` says this caller gets.
   * `bodyInstead` replaces the fixture's body and its `Content-Type` as given (each left out when undefined).
   */
  const runCell = async (
    entry: OperationEntry,
    caller: Caller,
    bodyInstead?: { body?: string; contentType?: string },
  ) => {
    const { url, headers, sent, expected } = await prepareCell(entry, caller, bodyInstead);
    const response = await h.fetch(
      new Request(url, { method: entry.method, headers, body: sent.body, redirect: "manual" }),
    );
    return { response, expected };
  };

  /** The same cell as a call of the operation's MCP tool, the request's values as its arguments. */
  const runToolCell = async (entry: OperationEntry, caller: Caller) => {
    const { headers, values, expected } = await prepareCell(entry, caller);
    return { outcome: await callTool(entry.operation.operationId, values, headers), expected };
  };

  /**
   * The cell's request as a `tools/call` of the operation's tool, with the caller's credentials: its outcome is
   * "success", or the status of the problem (the tool error's, or the endpoint's own when it refuses the caller).
   */
  const callTool = async (
    operationId: string,
    request: {
      params: Record<string, string>;
      query: Record<string, string>;
      body: unknown;
      headers: Record<string, string>;
    },
    credentials: Headers,
  ): Promise<"success" | number> => {
    const tool = tools.find((candidate) => candidate.operation.operationId === operationId);
    if (!tool) throw new Error(`${operationId} has no MCP tool`);
    const args: Record<string, unknown> = {};
    const headerValue = (name: string) =>
      Object.entries(request.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    for (const parameter of tool.operation.parameters) {
      const value =
        parameter.in === "path"
          ? request.params[parameter.name]
          : parameter.in === "query"
            ? request.query[parameter.name]
            : headerValue(parameter.name);
      if (value !== undefined) args[parameter.argument] = value;
    }
    if (tool.operation.body && request.body !== undefined) {
      if (tool.operation.body.spread) Object.assign(args, request.body);
      else args.body = request.body;
    }
    const headers = new Headers({ "Content-Type": "application/json", "CF-Connecting-IP": randomIp() });
    const authorization = credentials.get("Authorization");
    if (authorization) headers.set("Authorization", authorization);
    const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool.name, arguments: args } };
    const response = await h.fetch(
      new Request(new URL("/mcp", h.baseUrl), { method: "POST", headers, body: JSON.stringify(call) }),
    );
    if (response.status !== 200) return response.status;
    const { result } = await response.json<{
      result: { isError?: boolean; structuredContent?: { error?: { status: number } } };
    }>();
    if (!result.isError) return "success";
    const problemStatus = result.structuredContent?.error?.status;
    if (problemStatus === undefined) throw new Error(`a tool error without a problem: ${JSON.stringify(result)}`);
    return problemStatus;
  };

  return { fixtures, runCell, runToolCell };
};

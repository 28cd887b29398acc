import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { EVENT_TYPES, type EventType, OWNER_EVENT_TYPES } from "../../src/wire/events";
import { BASE_URL, randomIp } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { addAgent, newAgent, newMemberAgent, newThread, newUser, post } from "../support/conversations";
import { readEventStream } from "../support/event-stream";
import { ACTION_AND_INPUT } from "../support/operation-cells";

/**
 * Every write to a thread's log goes through one step after its commit (src/realtime/publish.ts): one table
 * over every write operation of the contract. Each logged write is sent to the app with hub bindings that
 * record every `poke`, and must poke the thread's hub, and the owner's user hub exactly when its event is one
 * the owner's user stream carries; a watcher of the thread must get the event live, and the owner's user
 * stream must have its copy exactly then. Every other write is listed with why it logs nothing.
 */
type User = Awaited<ReturnType<typeof newUser>>;
interface Scene {
  owner: User;
  agent: Awaited<ReturnType<typeof newAgent>>;
  threadId: string;
  messageId: string;
}
interface Write {
  /** Who sends it: the thread's owner, or an agent. */
  as: "owner" | "agent";
  method: string;
  path: (scene: Scene) => string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Fixtures the write needs beyond a thread with one message, in the scene. */
  prepare?: (
    scene: Scene,
  ) => Promise<Partial<Scene> & { artifactId?: string; streamingId?: string; memberKeyId?: string }>;
}

const artifact = async (scene: Scene) => {
  const created = await unwrap(
    scene.owner.api.POST("/threads/{id}/artifacts", {
      params: { path: { id: scene.threadId } },
      body: { type: "DOCUMENT", title: "Notes", content: { format: "text", body: "v1" } },
    }),
  );
  return { artifactId: created.id };
};

const interactive = async (scene: Scene) => {
  const message = await unwrap(
    scene.owner.api.POST("/threads/{id}/messages", {
      params: { path: { id: scene.threadId } },
      body: {
        text: "act",
        blocks: ACTION_AND_INPUT,
      },
    }),
  );
  return { messageId: message.id };
};

const streaming = async (scene: Scene) => {
  const started = await unwrap(
    scene.agent.api.POST("/threads/{id}/messages", {
      params: { path: { id: scene.threadId } },
      body: { streaming: true, text: "So far" },
    }),
  );
  return { streamingId: started.id };
};

/** A member-only key, not yet in the thread. */
const memberKey = async () => ({ memberKeyId: (await newMemberAgent()).id });

/** A member-only key the owner added to the thread. */
const memberKeyInThread = async (scene: Scene) => {
  const { memberKeyId } = await memberKey();
  await addAgent(scene.owner.api, scene.threadId, memberKeyId);
  return { memberKeyId };
};

const agentPath = (s: Scene) => `/threads/${s.threadId}/agents/${(s as Scene & { memberKeyId: string }).memberKeyId}`;

/** Every write operation that logs an event, with the event it logs. */
const LOGGED: Record<string, Write & { logs: EventType }> = {
  createThread: { as: "owner", method: "POST", path: () => "/threads", body: { title: "New" }, logs: "thread.created" },
  updateThread: {
    as: "owner",
    method: "PATCH",
    path: (s) => `/threads/${s.threadId}`,
    body: { title: "Renamed" },
    logs: "thread.updated",
  },
  replaceThreadMemory: {
    as: "owner",
    method: "PUT",
    path: (s) => `/threads/${s.threadId}/memory`,
    body: { notes: "first" },
    logs: "memory.updated",
  },
  updateThreadMemory: {
    as: "owner",
    method: "PATCH",
    path: (s) => `/threads/${s.threadId}/memory`,
    body: { notes: "patched" },
    contentType: "application/merge-patch+json",
    logs: "memory.updated",
  },
  createMessage: {
    as: "agent",
    method: "POST",
    path: (s) => `/threads/${s.threadId}/messages`,
    body: { text: "Hello" },
    logs: "message.created",
  },
  updateMessage: {
    as: "owner",
    method: "PATCH",
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}`,
    body: { text: "Edited" },
    logs: "message.updated",
  },
  deleteMessage: {
    as: "owner",
    method: "DELETE",
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}`,
    logs: "message.deleted",
  },
  completeMessage: {
    as: "agent",
    method: "POST",
    prepare: streaming,
    path: (s) => `/threads/${s.threadId}/messages/${(s as Scene & { streamingId: string }).streamingId}/complete`,
    body: {},
    logs: "message.updated",
  },
  stopMessage: {
    as: "owner",
    method: "POST",
    prepare: streaming,
    path: (s) => `/threads/${s.threadId}/messages/${(s as Scene & { streamingId: string }).streamingId}/stop`,
    logs: "message.updated",
  },
  regenerateReply: {
    as: "owner",
    method: "POST",
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}/regenerate`,
    logs: "message.reply_requested",
  },
  addReaction: {
    as: "owner",
    method: "PUT",
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}/reactions/tada`,
    logs: "reaction.added",
  },
  removeReaction: {
    as: "owner",
    method: "DELETE",
    prepare: async (s) => {
      await unwrap(
        s.owner.api.PUT("/threads/{id}/messages/{message_id}/reactions/{emoji}", {
          params: { path: { id: s.threadId, message_id: s.messageId, emoji: "tada" } },
        }),
      );
      return {};
    },
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}/reactions/tada`,
    logs: "reaction.removed",
  },
  createArtifact: {
    as: "agent",
    method: "POST",
    path: (s) => `/threads/${s.threadId}/artifacts`,
    body: { type: "DOCUMENT", title: "Notes", content: { format: "text", body: "hi" } },
    logs: "artifact.created",
  },
  updateArtifact: {
    as: "owner",
    method: "PATCH",
    prepare: artifact,
    path: (s) => `/threads/${s.threadId}/artifacts/${(s as Scene & { artifactId: string }).artifactId}`,
    body: { title: "v2" },
    headers: { "If-Match": '"1"' },
    logs: "artifact.updated",
  },
  restoreArtifactVersion: {
    as: "owner",
    method: "POST",
    prepare: artifact,
    path: (s) =>
      `/threads/${s.threadId}/artifacts/${(s as Scene & { artifactId: string }).artifactId}/versions/1/restore`,
    headers: { "If-Match": '"1"' },
    logs: "artifact.updated",
  },
  deleteArtifact: {
    as: "owner",
    method: "DELETE",
    prepare: artifact,
    path: (s) => `/threads/${s.threadId}/artifacts/${(s as Scene & { artifactId: string }).artifactId}`,
    logs: "artifact.deleted",
  },
  submitBlockAction: {
    as: "owner",
    method: "POST",
    prepare: interactive,
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}/actions`,
    body: { block_id: "b", action_id: "go" },
    logs: "interaction.created",
  },
  submitForm: {
    as: "owner",
    method: "POST",
    prepare: interactive,
    path: (s) => `/threads/${s.threadId}/messages/${s.messageId}/submissions`,
    body: { values: {} },
    logs: "interaction.created",
  },
  addThreadAgent: { as: "owner", method: "PUT", prepare: memberKey, path: agentPath, logs: "thread.agent_added" },
  removeThreadAgent: {
    as: "owner",
    method: "DELETE",
    prepare: memberKeyInThread,
    path: agentPath,
    logs: "thread.agent_removed",
  },
};

/** Write operations that log nothing, and why. */
const NOT_LOGGED: Record<string, string> = {
  devSignIn: "identity",
  refreshTokens: "identity",
  signOut: "identity",
  signInWithGoogleIdToken: "identity",
  registerOAuthClient: "identity",
  approveOAuthClient: "identity",
  exchangeOAuthToken: "identity",
  updateMe: "identity",
  revokeMySession: "identity",
  createUser: "identity",
  updateUser: "identity",
  deleteUser: "identity",
  createApiKey: "identity",
  revokeApiKey: "identity",
  deleteThread: "the log goes with the thread; its hub resets its watchers (tested below)",
  appendMessageDelta: "a streamed reply's text reaches the hub directly; its end is logged (completeMessage)",
  markThreadRead:
    "a reader's own mark, not a change to the thread: a user's own stream gets `thread.read` (read-state.test.ts)",
  setActivityStatus: "kept by the thread's hub only",
  clearActivityStatus: "kept by the thread's hub only",
  createStreamToken: "a credential",
  uploadFile: "files are not in a thread's log",
  deleteFile: "files are not in a thread's log",
  createDownloadLink: "files are not in a thread's log",
  createUpload: "files are not in a thread's log",
  uploadPart: "files are not in a thread's log",
  completeUpload: "files are not in a thread's log",
  abortUpload: "files are not in a thread's log",
  createWebhook: "subscriptions are about the log, not in it",
  updateWebhook: "subscriptions are about the log, not in it",
  deleteWebhook: "subscriptions are about the log, not in it",
  rotateWebhookSecret: "a credential",
  testWebhook: "a test delivery has no event; it is queued by the operation itself",
  retryWebhookDelivery: "the delivery is queued again by the operation itself",
  postMcp: "a tool call is the operation it makes, which logs (or not) as above",
  sendChatMessage: "the chat worker stores the message through createMessage, which logs it",
  runAgUiAgent: "the chat worker stores the message through createMessage, which logs it",
};

const writeOperations = Object.values(spec.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
  (methods) =>
    Object.entries(methods)
      .filter(([method]) => method !== "get")
      .map(([, operation]) => operation.operationId),
);

/** The hub bindings of `env`, recording each hub poked. */
const recordingPokes = () => {
  const poked: { hub: "thread" | "user"; logId: string }[] = [];
  const recording = (namespace: DurableObjectNamespace, hub: "thread" | "user"): DurableObjectNamespace =>
    new Proxy(namespace, {
      get(target, property) {
        if (property !== "get") {
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        }
        return (id: DurableObjectId) => {
          const stub = target.get(id) as unknown as { poke: (logId: string) => Promise<void> };
          return new Proxy(stub, {
            get(inner, name) {
              if (name !== "poke") return Reflect.get(inner, name, inner);
              return (logId: string) => {
                poked.push({ hub, logId });
                return inner.poke(logId);
              };
            },
          });
        };
      },
    });
  return {
    poked,
    env: { ...env, THREAD_HUB: recording(env.THREAD_HUB, "thread"), USER_HUB: recording(env.USER_HUB, "user") },
  };
};

const app = createApp();

/** Sends one write to the app with recording hubs; the pokes it made once its background work is done. */
const send = async (write: Write, scene: Scene) => {
  const { poked, env: recordingEnv } = recordingPokes();
  const token = write.as === "owner" ? scene.owner.token : scene.agent.token;
  const headers = new Headers({ ...write.headers, Authorization: `Bearer ${token}`, "CF-Connecting-IP": randomIp() });
  if (write.body !== undefined) headers.set("Content-Type", write.contentType ?? "application/json");
  const request = new Request(`${BASE_URL}${write.path(scene)}`, {
    method: write.method,
    headers,
    body: write.body === undefined ? undefined : JSON.stringify(write.body),
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, recordingEnv, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract(request.method, request.url, response.clone());
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return { response, poked };
};

const newScene = async (): Promise<Scene> => {
  const owner = await newUser();
  const agent = await newAgent(["threads:read", "threads:write", "messages:write", "artifacts:write"]);
  const thread = await newThread(owner.api);
  const message = await post(owner.api, thread.id, "the first message");
  return { owner, agent, threadId: thread.id, messageId: message.id };
};

const userFeed = async (user: User, after: number) => unwrap(user.api.GET("/events", { params: { query: { after } } }));

describe("publishing what each write committed", () => {
  it("has every write operation of the contract in the table, logged or not", () => {
    expect([...Object.keys(LOGGED), ...Object.keys(NOT_LOGGED)].sort()).toEqual([...writeOperations].sort());
  });

  it("covers every event type of the catalogue", () => {
    expect(new Set(Object.values(LOGGED).map((write) => write.logs))).toEqual(new Set(EVENT_TYPES));
  });

  it.each(Object.entries(LOGGED).map(([operationId, write]) => ({ operationId, write })))(
    "$operationId: pokes the thread's hub (and the owner's when the owner's stream carries the event); watchers get it",
    async ({ operationId, write }) => {
      const base = await newScene();
      const scene = { ...base, ...(await write.prepare?.(base)) } as Scene;
      const [thread, userEvents] = await Promise.all([
        unwrap(scene.owner.api.GET("/threads/{id}", { params: { path: { id: scene.threadId } } })),
        userFeed(scene.owner, 0),
      ]);
      const userSeq = userEvents.at(-1)?.seq ?? 0;
      const watching = await scene.owner.http(`/threads/${scene.threadId}/events?after=${thread.last_event_seq}`, {
        headers: { Accept: "text/event-stream" },
      });
      const watcher = readEventStream(watching);

      const { response, poked } = await send(write, scene);
      const toOwner = OWNER_EVENT_TYPES.includes(write.logs);
      const threadId =
        operationId === "createThread" ? (await response.json<{ data: { id: string } }>()).data.id : scene.threadId;
      expect(poked).toContainEqual({ hub: "thread", logId: threadId });
      expect(poked.filter(({ hub }) => hub === "user")).toEqual(
        toOwner ? [{ hub: "user", logId: scene.owner.id }] : [],
      );

      // A new thread has no watcher yet; every other write reaches the thread's.
      // (A joining watcher is first sent the text of each message still streaming: not from the log, no `id`.)
      if (operationId !== "createThread") {
        let [frame] = await watcher.take(1);
        while (frame?.id === undefined && frame?.event === "message.delta") [frame] = await watcher.take(1);
        expect(frame?.event).toBe(write.logs);
      }
      await watcher.close();
      const copies = await userFeed(scene.owner, userSeq);
      expect(copies.map((copy) => [copy.event.type, copy.event.thread_id])).toEqual(
        toOwner ? [[write.logs, threadId]] : [],
      );
    },
  );

  it("deleteThread: pokes the thread's hub, which ends its watchers' streams with a reset", async () => {
    const scene = await newScene();
    const watcher = readEventStream(
      await scene.owner.http(`/threads/${scene.threadId}/events?after=2`, { headers: { Accept: "text/event-stream" } }),
    );
    const { poked } = await send({ as: "owner", method: "DELETE", path: (s) => `/threads/${s.threadId}` }, scene);
    expect(poked).toEqual([{ hub: "thread", logId: scene.threadId }]);
    const [frame] = await watcher.take(1);
    expect(frame).toMatchObject({ event: "reset", data: { reason: "thread_deleted" } });
  });
});

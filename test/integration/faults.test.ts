import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { BASE_URL, randomIp } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { newAgent, newThread, newUser, post } from "../support/conversations";

// D1 failing in the middle of a write: for each multi-statement write path, the request is sent again and again
// with D1 failing at its 1st call, then its 2nd, 3rd… (a statement run or a batch) until a try passes them all. Every
// failed try must answer a documented problem and leave nothing half-written — the thread's log gapless and its
// counters matching it, the owner's user stream likewise — and the try without a fault must then succeed.

type Methods = Record<string, (...args: unknown[]) => unknown>;

/** The D1 binding, failing its `failAt`-th call as an outage mid-request would; `calls()` says how many came. */
const failingAt = (failAt: number) => {
  let calls = 0;
  const call = () => {
    calls += 1;
    if (calls === failAt) throw new Error("D1_ERROR: Network connection lost (injected)");
  };
  const statement = (real: D1PreparedStatement): D1PreparedStatement => {
    const methods = real as unknown as Methods;
    for (const name of ["first", "all", "run", "raw"]) {
      const run = methods[name]?.bind(real);
      if (run) {
        methods[name] = async (...args) => {
          call();
          return run(...args);
        };
      }
    }
    const bind = methods.bind?.bind(real);
    if (bind) methods.bind = (...args) => statement(bind(...args) as D1PreparedStatement);
    return real;
  };
  const db = new Proxy(env.DB, {
    get(target, property) {
      if (property === "prepare") return (query: string) => statement(target.prepare(query));
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          call();
          return target.batch(statements);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, calls: () => calls };
};

const app = createApp();

const send = async (db: D1Database, { token, method, path, body, headers = {} }: Omit<WriteRequest, "threadId">) => {
  const request = new Request(new URL(path, BASE_URL), {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      "CF-Connecting-IP": randomIp(),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract(method, request.url, response.clone());
  return response;
};

/** What must hold whatever failed: the log gapless and the counters it drives matching it. */
const assertConsistent = async (threadId: string, ownerId: string) => {
  const thread = await env.DB.prepare(
    `SELECT t.last_seq,
            (SELECT COUNT(*) FROM thread_events e WHERE e.thread_id = t.id) AS events,
            (SELECT COALESCE(MAX(seq), 0) FROM thread_events e WHERE e.thread_id = t.id) AS max_seq,
            t.message_count,
            (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.deleted_at IS NULL) AS live_messages
     FROM threads t WHERE t.id = ?`,
  )
    .bind(threadId)
    .first<{ last_seq: number; events: number; max_seq: number; message_count: number; live_messages: number }>();
  if (thread) {
    expect(thread.events, "one event per seq, no orphan").toBe(thread.last_seq);
    expect(thread.max_seq).toBe(thread.last_seq);
    expect(thread.message_count).toBe(thread.live_messages);
  }
  const user = await env.DB.prepare(
    `SELECT u.last_event_seq, (SELECT COUNT(*) FROM user_events e WHERE e.user_id = u.id) AS events
     FROM users u WHERE u.id = ?`,
  )
    .bind(ownerId)
    .first<{ last_event_seq: number; events: number }>();
  expect(user?.events, "the user stream gapless").toBe(user?.last_event_seq);
};

type Owner = Awaited<ReturnType<typeof newUser>>;
interface WriteRequest {
  threadId: string;
  token: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}
interface WritePath {
  name: string;
  /** What the write needs; its request. */
  prepare: (owner: Owner) => Promise<WriteRequest>;
}

/** A thread of the owner's with an artifact in it, at version `versions`. */
const withArtifact = async (owner: Owner, versions = 1) => {
  const thread = await newThread(owner.api);
  const artifact = await unwrap(
    owner.api.POST("/threads/{id}/artifacts", {
      params: { path: { id: thread.id } },
      body: { type: "DOCUMENT", title: "doc", content: { format: "text", body: "v1" } },
    }),
  );
  for (let version = 1; version < versions; version++) {
    await unwrap(
      owner.api.PATCH("/threads/{id}/artifacts/{artifact_id}", {
        params: { path: { id: thread.id, artifact_id: artifact.id }, header: { "if-match": `"${version}"` } },
        body: { title: `doc v${version + 1}` },
      }),
    );
  }
  return { threadId: thread.id, path: `/threads/${thread.id}/artifacts/${artifact.id}` };
};

const paths: WritePath[] = [
  {
    name: "creating a thread with messages",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      return {
        threadId: thread.id,
        token: owner.token,
        method: "POST",
        path: "/threads",
        body: { title: "faulty", messages: [{ text: "one" }, { text: "two" }] },
      };
    },
  },
  {
    name: "posting a reply",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const parent = await post(owner.api, thread.id, "parent");
      return {
        threadId: thread.id,
        token: owner.token,
        method: "POST",
        path: `/threads/${thread.id}/messages`,
        body: { text: "reply", parent_id: parent.id },
      };
    },
  },
  {
    name: "editing a message",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const message = await post(owner.api, thread.id, "before");
      return {
        threadId: thread.id,
        token: owner.token,
        method: "PATCH",
        path: `/threads/${thread.id}/messages/${message.id}`,
        body: { text: "after" },
      };
    },
  },
  {
    name: "deleting a message",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const message = await post(owner.api, thread.id, "doomed");
      return {
        threadId: thread.id,
        token: owner.token,
        method: "DELETE",
        path: `/threads/${thread.id}/messages/${message.id}`,
      };
    },
  },
  {
    name: "reacting",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const message = await post(owner.api, thread.id, "nice");
      return {
        threadId: thread.id,
        token: owner.token,
        method: "PUT",
        path: `/threads/${thread.id}/messages/${message.id}/reactions/tada`,
      };
    },
  },
  {
    name: "replacing the memory",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      return {
        threadId: thread.id,
        token: owner.token,
        method: "PUT",
        path: `/threads/${thread.id}/memory`,
        body: { memory: { goal: "churn" } },
      };
    },
  },
  {
    name: "creating an artifact",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      return {
        threadId: thread.id,
        token: owner.token,
        method: "POST",
        path: `/threads/${thread.id}/artifacts`,
        body: { type: "DOCUMENT", title: "doc", content: { format: "text", body: "hi" } },
      };
    },
  },
  {
    name: "archiving a thread",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      return {
        threadId: thread.id,
        token: owner.token,
        method: "PATCH",
        path: `/threads/${thread.id}`,
        body: { status: "ARCHIVED" },
      };
    },
  },
  {
    name: "removing a reaction",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const message = await post(owner.api, thread.id, "nice");
      const path = `/threads/${thread.id}/messages/${message.id}/reactions/tada`;
      await unwrap(
        owner.api.PUT("/threads/{id}/messages/{message_id}/reactions/{emoji}", {
          params: { path: { id: thread.id, message_id: message.id, emoji: "tada" } },
        }),
      );
      return { threadId: thread.id, token: owner.token, method: "DELETE", path };
    },
  },
  {
    name: "merge-patching the memory",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      return {
        threadId: thread.id,
        token: owner.token,
        method: "PATCH",
        path: `/threads/${thread.id}/memory`,
        body: { goal: "churn", owner: null },
        headers: { "Content-Type": "application/merge-patch+json" },
      };
    },
  },
  {
    name: "updating an artifact",
    prepare: async (owner) => {
      const { threadId, path } = await withArtifact(owner);
      return {
        threadId,
        token: owner.token,
        method: "PATCH",
        path,
        body: { title: "v2" },
        headers: { "If-Match": '"1"' },
      };
    },
  },
  {
    name: "restoring an artifact version",
    prepare: async (owner) => {
      const { threadId, path } = await withArtifact(owner, 2);
      return {
        threadId,
        token: owner.token,
        method: "POST",
        path: `${path}/versions/1/restore`,
        headers: { "If-Match": '"2"' },
      };
    },
  },
  {
    name: "deleting an artifact",
    prepare: async (owner) => {
      const { threadId, path } = await withArtifact(owner);
      return { threadId, token: owner.token, method: "DELETE", path };
    },
  },
  {
    name: "clicking a one-time button",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const agent = await newAgent();
      const message = await unwrap(
        agent.api.POST("/threads/{id}/messages", {
          params: { path: { id: thread.id } },
          body: {
            text: "Approve?",
            blocks: [
              {
                type: "actions",
                block_id: "approval",
                once: true,
                elements: [
                  { type: "button", action_id: "approve", text: { type: "plain_text", text: "Approve" }, value: "42" },
                ],
              },
            ],
          },
        }),
      );
      return {
        threadId: thread.id,
        token: owner.token,
        method: "POST",
        path: `/threads/${thread.id}/messages/${message.id}/actions`,
        body: { block_id: "approval", action_id: "approve", value: "42" },
      };
    },
  },
  {
    name: "completing a streamed reply",
    prepare: async (owner) => {
      const thread = await newThread(owner.api);
      const agent = await newAgent();
      const started = await unwrap(
        agent.api.POST("/threads/{id}/messages", {
          params: { path: { id: thread.id } },
          body: { streaming: true, text: "so far" },
        }),
      );
      return {
        threadId: thread.id,
        token: agent.token,
        method: "POST",
        path: `/threads/${thread.id}/messages/${started.id}/complete`,
        body: { text: "done" },
      };
    },
  },
];

describe("D1 failing in the middle of a write", () => {
  for (const write of paths) {
    it(`leaves nothing half-written, whichever D1 call fails: ${write.name}`, async () => {
      const owner = await newUser();
      const request = await write.prepare(owner);
      for (let failAt = 1; ; failAt += 1) {
        const fault = failingAt(failAt);
        const response = await send(fault.db, request);
        if (fault.calls() < failAt) {
          // This try met no fault: the write goes through.
          expect(response.status, await response.clone().text()).toBeLessThan(300);
          break;
        }
        expect(response.status, `failing D1 call ${failAt}`).toBe(500);
        await assertConsistent(request.threadId, owner.id);
        expect(failAt, "a write path of reasonable length").toBeLessThan(30);
      }
      await assertConsistent(request.threadId, owner.id);
    });
  }
});

describe("R2 failing during an upload", () => {
  const uploadWith = async (files: R2Bucket, token: string, text: string, contentType: string) => {
    const body = new TextEncoder().encode(text);
    const request = new Request(new URL("/files?filename=notes.txt", BASE_URL), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": contentType,
        "Content-Length": String(body.length),
        "CF-Connecting-IP": randomIp(),
      },
      body,
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(request, { ...env, FILES: files }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("POST", request.url, response.clone());
    return response;
  };
  const rowsOf = async (userId: string) =>
    (
      await env.DB.prepare("SELECT COUNT(*) AS n FROM files WHERE uploaded_by_id = ?")
        .bind(userId)
        .first<{ n: number }>()
    )?.n;
  const down = (what: string) => () => Promise.reject(new Error(`R2 ${what} failed (injected)`));

  it("keeps no File row and no object when storing the bytes fails", async () => {
    const owner = await newUser();
    const deleted: string[] = [];
    const failingPut = new Proxy(env.FILES, {
      get(target, property) {
        if (property === "put") {
          return async (_key: string, value: ReadableStream) => {
            await value.cancel();
            throw new Error("R2 put failed (injected)");
          };
        }
        if (property === "delete") {
          return (key: string) => {
            deleted.push(key);
            return target.delete(key);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const response = await uploadWith(failingPut, owner.token, "some notes", "text/plain");
    expect(response.status).toBe(500);
    expect(await rowsOf(owner.id)).toBe(0);
    expect(deleted).toHaveLength(1);
    expect(await env.FILES.head(deleted[0] ?? "")).toBeNull();
  });

  it("keeps no File row when R2 is down altogether (the orphan sweep handles objects)", async () => {
    const owner = await newUser();
    const gone = {
      put: down("put"),
      delete: down("delete"),
      head: down("head"),
      createMultipartUpload: down("createMultipartUpload"),
    } as unknown as R2Bucket;
    const raw = await uploadWith(gone, owner.token, "some notes", "text/plain");
    expect(raw.status).toBe(500);
    // A form upload goes to R2 as a multipart upload.
    const boundary = "fault-boundary";
    const form = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="notes.txt"',
      "Content-Type: text/plain",
      "",
      "some notes",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const viaForm = await uploadWith(gone, owner.token, form, `multipart/form-data; boundary=${boundary}`);
    expect(viaForm.status).toBe(500);
    expect(await rowsOf(owner.id)).toBe(0);
  });
});

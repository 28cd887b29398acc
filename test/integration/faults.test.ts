import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type components, unwrap } from "../../sdk/src";
import { createApp } from "../../src/app";
import { repositories } from "../../src/repositories";
import { BASE_URL, clientWith, randomIp, signIn } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import { newAgent, newThread, newUser, post } from "../support/conversations";
import { uniqueEmail } from "../support/harness";

// D1 failing in the middle of a write: for each multi-statement write path, the request is sent again and again
// with D1 failing at its 1st call, then its 2nd, 3rd… (a statement run or a batch) until a try passes them all. Every
// failed try must answer a documented problem and leave nothing half-written — the thread's log gapless and its
// counters matching it, the owner's user stream likewise, each event with exactly its webhook delivery (an admin's
// subscription to every event takes them all: the outbox) — and the try without a fault must then succeed.

/** The admin's subscription to every event of every thread, whose deliveries must match the log one to one. */
let subscriptionId = "";
beforeAll(async () => {
  const admin = (await signIn("ADMIN")).access_token;
  subscriptionId = (
    await unwrap(clientWith(admin).POST("/webhooks", { body: { url: "https://hooks.invalid/faults", events: ["*"] } }))
  ).id;
});

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

const send = async (db: D1Database, { token, method, path, body, headers = {} }: WriteRequest) => {
  // A string is sent as it is (a file's bytes); anything else as JSON.
  const bytes =
    body === undefined ? undefined : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));
  const request = new Request(new URL(path, BASE_URL), {
    method,
    headers: {
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      "Content-Type": "application/json",
      "CF-Connecting-IP": randomIp(),
      ...(bytes === undefined ? {} : { "Content-Length": String(bytes.length) }),
      ...headers,
    },
    body: bytes,
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract(method, request.url, response.clone());
  return response;
};

/** What must hold whatever failed: the log gapless and the counters it drives matching it. */
const assertConsistent = async (threadId: string | undefined, ownerId: string) => {
  const thread = await env.DB.prepare(
    `SELECT t.last_seq,
            (SELECT COUNT(*) FROM thread_events e WHERE e.thread_id = t.id) AS events,
            (SELECT COALESCE(MAX(seq), 0) FROM thread_events e WHERE e.thread_id = t.id) AS max_seq,
            t.message_count,
            (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.deleted_at IS NULL) AS live_messages
     FROM threads t WHERE t.id = ?`,
  )
    .bind(threadId ?? null)
    .first<{ last_seq: number; events: number; max_seq: number; message_count: number; live_messages: number }>();
  if (thread) {
    expect(thread.events, "one event per seq, no orphan").toBe(thread.last_seq);
    const outbox = await env.DB.prepare(
      `SELECT COUNT(*) AS deliveries, COUNT(DISTINCT seq) AS seqs FROM webhook_deliveries
       WHERE thread_id = ? AND subscription_id = ?`,
    )
      .bind(threadId ?? null, subscriptionId)
      .first<{ deliveries: number; seqs: number }>();
    expect(outbox, "each event with exactly its delivery").toEqual({
      deliveries: thread.last_seq,
      seqs: thread.last_seq,
    });
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
  /** The thread the write changes, whose log and counters must stay consistent. */
  threadId?: string;
  /** Anonymous when absent. */
  token?: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}
interface WritePath {
  name: string;
  /** What the write needs; its request. */
  prepare: (owner: Owner) => Promise<WriteRequest>;
  /**
   * What must hold after every try, failed or not (`done`: the last try succeeded), besides the thread's and
   * the owner's logs being consistent.
   */
  check?: (owner: Owner, request: WriteRequest, done: boolean) => Promise<void>;
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

/** A thread of the owner's with a message an agent posted in it. */
const agentMessage = async (owner: Owner, body: components["schemas"]["CreateMessageRequest"]) => {
  const thread = await newThread(owner.api);
  const agent = await newAgent();
  const message = await unwrap(agent.api.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body }));
  return { thread, agent, message };
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
      const { thread, message } = await agentMessage(owner, {
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
      });
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
      const { thread, agent, message } = await agentMessage(owner, { streaming: true, text: "so far" });
      return {
        threadId: thread.id,
        token: agent.token,
        method: "POST",
        path: `/threads/${thread.id}/messages/${message.id}/complete`,
        body: { text: "done" },
      };
    },
  },
  {
    name: "submitting a form",
    prepare: async (owner) => {
      const { thread, message } = await agentMessage(owner, {
        text: "Why?",
        blocks: [
          {
            type: "input",
            block_id: "reason",
            label: { type: "plain_text", text: "Reason" },
            element: { type: "plain_text_input", action_id: "text" },
          },
        ],
      });
      return {
        threadId: thread.id,
        token: owner.token,
        method: "POST",
        path: `/threads/${thread.id}/messages/${message.id}/submissions`,
        body: { values: { reason: { text: { value: "budget" } } } },
      };
    },
  },
  {
    name: "deleting a thread",
    prepare: async (owner) => {
      const thread = await newThread(owner.api, { messages: [{ text: "one" }] });
      return { threadId: thread.id, token: owner.token, method: "DELETE", path: `/threads/${thread.id}` };
    },
    // Whole or gone: never a thread without its messages, nor messages or events without their thread.
    check: async (_owner, { threadId }, done) => {
      const left = await first<{ threads: number; messages: number; events: number }>(
        `SELECT (SELECT COUNT(*) FROM threads WHERE id = ?1) AS threads,
                (SELECT COUNT(*) FROM messages WHERE thread_id = ?1) AS messages,
                (SELECT COUNT(*) FROM thread_events WHERE thread_id = ?1) AS events`,
        threadId,
      );
      expect(left).toEqual(done ? { threads: 0, messages: 0, events: 0 } : { threads: 1, messages: 1, events: 2 });
    },
  },
  {
    name: "uploading a file",
    prepare: async (owner) => ({
      token: owner.token,
      method: "POST",
      path: "/files?filename=notes.txt",
      body: "some notes",
      headers: { "Content-Type": "text/plain" },
    }),
    // A failed try keeps no row and no object; the clean one keeps one READY file with its bytes.
    check: async (owner, _request, done) => {
      const files = await filesOf(owner.id);
      expect(files.map((file) => file.status)).toEqual(done ? ["READY"] : []);
      for (const file of files) expect((await env.FILES.head(file.storage_key))?.size).toBe(10);
    },
  },
  {
    name: "deleting a file",
    prepare: async (owner) => {
      const file = await uploadText(owner, "doomed");
      return { token: owner.token, method: "DELETE", path: `/files/${file.id}` };
    },
    // Never a READY row whose bytes are gone: READY with its object, or DELETED.
    check: async (owner, _request, done) => {
      const [file] = await filesOf(owner.id);
      if (!file) throw new Error("the file row is gone");
      expect(file.status).toBe(done ? "DELETED" : file.status);
      if (file.status === "READY") expect(await env.FILES.head(file.storage_key)).not.toBeNull();
      else expect(file.status).toBe("DELETED");
    },
  },
  {
    name: "creating a resumable upload",
    prepare: async (owner) => ({
      token: owner.token,
      method: "POST",
      path: "/uploads",
      body: { filename: "notes.txt", content_type: "text/plain", total_bytes: 10 },
    }),
    check: async (owner, _request, done) => {
      const uploads = await first<{ n: number }>("SELECT COUNT(*) AS n FROM uploads WHERE user_id = ?", owner.id);
      expect(uploads?.n).toBe(done ? 1 : 0);
    },
  },
  {
    name: "uploading a part",
    prepare: async (owner) => {
      const upload = await openUpload(owner);
      return {
        token: owner.token,
        method: "PUT",
        path: `/uploads/${upload.id}/parts/1`,
        body: "0123456789",
        headers: { "Content-Type": "application/octet-stream" },
      };
    },
    // The upload stays open; its part is recorded once the clean try went through.
    check: async (_owner, request, done) => {
      const id = request.path.split("/")[2];
      const upload = await first<{ status: string; parts: number }>(
        "SELECT status, (SELECT COUNT(*) FROM upload_parts WHERE upload_id = ?1) AS parts FROM uploads WHERE id = ?1",
        id,
      );
      expect(upload?.status).toBe("OPEN");
      if (done) expect(upload?.parts).toBe(1);
    },
  },
  {
    name: "completing a resumable upload",
    prepare: async (owner) => {
      const upload = await openUpload(owner);
      await owner.http(`/uploads/${upload.id}/parts/1`, {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream" },
        body: "0123456789",
      });
      return { token: owner.token, method: "POST", path: `/uploads/${upload.id}/complete` };
    },
    // Nothing lost: a failed try leaves the upload to complete again (never ABORTED), and at most the one file.
    check: async (owner, request, done) => {
      const upload = await first<{ status: string; file_id: string | null; storage_key: string }>(
        "SELECT status, file_id, storage_key FROM uploads WHERE id = ?",
        request.path.split("/")[2],
      );
      const files = await filesOf(owner.id);
      if (done || upload?.status === "COMPLETED") {
        expect(upload?.status).toBe("COMPLETED");
        expect(files.map(({ id, status }) => ({ id, status }))).toEqual([{ id: upload?.file_id, status: "READY" }]);
        expect((await env.FILES.head(files[0]?.storage_key ?? ""))?.size).toBe(10);
      } else {
        expect(["OPEN", "COMPLETING"]).toContain(upload?.status);
        // COMPLETING only once the parts are joined, so that completing again can finish it.
        if (upload?.status === "COMPLETING") expect(await env.FILES.head(upload.storage_key)).not.toBeNull();
        expect(files).toEqual([]);
      }
    },
  },
  {
    name: "signing in",
    prepare: async () => ({
      method: "POST",
      path: "/auth/dev/sign-in",
      body: { email: uniqueEmail("fault"), role: "USER" },
    }),
    // No session is left behind by a failed try; the clean try makes one.
    check: async (_owner, request, done) => {
      const { email } = request.body as { email: string };
      const sessions = await first<{ n: number }>(
        "SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?",
        email,
      );
      expect(sessions?.n).toBe(done ? 1 : 0);
    },
  },
];

/** One row of a query against the test's D1. */
const first = <T>(query: string, ...params: unknown[]) =>
  env.DB.prepare(query)
    .bind(...params)
    .first<T>();

/** The owner's file rows, oldest first. */
const filesOf = async (ownerId: string) =>
  (
    await env.DB.prepare("SELECT id, status, storage_key FROM files WHERE uploaded_by_id = ? ORDER BY created_at")
      .bind(ownerId)
      .all<{ id: string; status: string; storage_key: string }>()
  ).results;

/** A small text file the owner uploaded. */
const uploadText = async (owner: Owner, text: string) => {
  const response = await owner.http("/files?filename=notes.txt", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: text,
  });
  return (await response.json<{ data: { id: string } }>()).data;
};

/** A 10-byte resumable upload of the owner's, in one part. */
const openUpload = (owner: Owner) =>
  unwrap(owner.api.POST("/uploads", { body: { filename: "notes.txt", content_type: "text/plain", total_bytes: 10 } }));

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
        await write.check?.(owner, request, false);
        expect(failAt, "a write path of reasonable length").toBeLessThan(30);
      }
      await assertConsistent(request.threadId, owner.id);
      await write.check?.(owner, request, true);
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

  it("deletes a file even when R2 fails to drop its bytes: the row is DELETED, the sweep removes the object", async () => {
    const owner = await newUser();
    const file = await uploadText(owner, "doomed");
    const failingDelete = new Proxy(env.FILES, {
      get(target, property) {
        if (property === "delete") return down("delete");
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const request = new Request(new URL(`/files/${file.id}`, BASE_URL), {
      method: "DELETE",
      headers: { Authorization: `Bearer ${owner.token}`, "CF-Connecting-IP": randomIp() },
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(request, { ...env, FILES: failingDelete }, ctx);
    await waitOnExecutionContext(ctx);
    await assertMatchesContract("DELETE", request.url, response.clone());
    expect(response.status).toBe(204);
    const [row] = await filesOf(owner.id);
    expect(row?.status).toBe("DELETED");
    // Still stored, but no row needs it any more: the hourly orphan sweep's to remove.
    expect(await env.FILES.head(row?.storage_key ?? "")).not.toBeNull();
    expect([...(await repositories({ env }).storage.keysInUse([row?.storage_key ?? ""]))]).toEqual([]);
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

import { env } from "cloudflare:workers";
import { type components, unwrap } from "../../sdk/src";
import { sqlDate } from "../../src/repositories/d1";
import { BASE_URL, clientWith, contractFetch, createApiKey, type Role, randomIp, type Scope, signIn } from "./api";

export type Thread = components["schemas"]["Thread"];
export type Message = components["schemas"]["Message"];
export type ThreadEvent = components["schemas"]["ThreadEvent"];
export type Api = ReturnType<typeof clientWith>;

export interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { path: string; code: string; message: string }[];
}

export const problemOf = async (response: Response): Promise<Problem> =>
  (await response.json<{ error: Problem }>()).error;

/** A signed-in user with the SDK, raw HTTP, and their id. */
export const newUser = async (role: Role = "USER") => {
  const tokens = await signIn(role);
  const api = clientWith(tokens.access_token);
  const me = await unwrap(api.GET("/me"));
  return { id: me.id, token: tokens.access_token, api, http: httpAs(tokens.access_token) };
};

const AGENT_SCOPES: Scope[] = ["threads:read", "threads:write", "messages:write"];

const agentWith = async (scopes: Scope[]) => {
  const key = await createApiKey(scopes, "agent");
  return { id: key.id, token: key.secret, api: clientWith(key.secret), http: httpAs(key.secret) };
};

/** The operator's own agent: a workspace-wide key (`threads:all`) that reaches every thread, made by an admin. */
export const newAgent = (scopes: Scope[] = AGENT_SCOPES) => agentWith([...scopes, "threads:all"]);

/** A partner's member-only key: it reaches a thread once the thread's owner or an admin adds it (`addAgent`). */
export const newMemberAgent = (scopes: Scope[] = AGENT_SCOPES) => agentWith(scopes);

/** The thread's owner (or an admin) adds the key to the thread. */
export const addAgent = (ownerApi: Api, threadId: string, keyId: string) =>
  unwrap(ownerApi.PUT("/threads/{id}/agents/{key_id}", { params: { path: { id: threadId, key_id: keyId } } }));

/** The thread's owner (or an admin) removes the key from the thread. */
export const removeAgent = async (ownerApi: Api, threadId: string, keyId: string) => {
  const { response } = await ownerApi.DELETE("/threads/{id}/agents/{key_id}", {
    params: { path: { id: threadId, key_id: keyId } },
  });
  if (response.status !== 204) throw new Error(`removing the agent answered ${response.status}`);
};

/** Raw HTTP as this credential, every response checked against the contract. */
export const httpAs =
  (token: string) =>
  (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    // Each call from its own address: the write limit is per principal, never per test IP.
    if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomIp());
    return contractFetch(new Request(new URL(path, BASE_URL), { ...init, headers }));
  };

export const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

export const newThread = (api: Api, body: { title?: string; owner_id?: string; messages?: { text: string }[] } = {}) =>
  unwrap(api.POST("/threads", { body: { title: body.title ?? "Test thread", ...body } }));

export const post = (api: Api, threadId: string, text: string, extra: { parent_id?: string } = {}) =>
  unwrap(api.POST("/threads/{id}/messages", { params: { path: { id: threadId } }, body: { text, ...extra } }));

export const eventsOf = async (api: Api, threadId: string, after = 0): Promise<ThreadEvent[]> => {
  const page = await unwrap(
    api.GET("/threads/{id}/events", { params: { path: { id: threadId }, query: { after, limit: 100 } } }),
  );
  return page;
};

/** Every event of a thread, following the feed page by page. */
export const allEvents = async (api: Api, threadId: string): Promise<ThreadEvent[]> => {
  const events: ThreadEvent[] = [];
  for (let after = 0; ; ) {
    const { data } = await api.GET("/threads/{id}/events", {
      params: { path: { id: threadId }, query: { after, limit: 100 } },
    });
    if (!data) throw new Error("the events feed failed");
    events.push(...data.data);
    if (!data.pagination.has_more) return events;
    after = data.pagination.next_after;
  }
};

/**
 * Appends `count` plain USER messages by `authorId` straight into D1, as posting them would leave the
 * rows (positions after the thread's current last seq, counters moved), without their events: for
 * tests of lists over thousands of messages, which the write rate limit would make slow through the API.
 */
export const seedMessages = async (threadId: string, authorId: string, count: number) => {
  const chunk = 500;
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    const now = sqlDate(new Date());
    const rows = Array.from({ length: size }, (_, index) => ({
      id: `seed${crypto.randomUUID().replaceAll("-", "")}`,
      text: `seeded message ${start + index + 1}`,
    }));
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO messages (id, thread_id, seq, author_id, role, text, created_at, updated_at)
         SELECT r.value ->> '$.id', t.id, t.last_seq + r.key + 1, ?, 'USER', r.value ->> '$.text', ?, ?
         FROM threads t, json_each(?) r WHERE t.id = ?`,
      ).bind(authorId, now, now, JSON.stringify(rows), threadId),
      env.DB.prepare(
        "UPDATE threads SET last_seq = last_seq + ?, message_count = message_count + ?, updated_at = ? WHERE id = ?",
      ).bind(size, size, now, threadId),
    ]);
  }
};

/** A message as events carry it: without `reactions`, which depend on who asks. */
export const snapshotOf = ({ reactions: _reactions, ...snapshot }: Message) => snapshot;

/** A thread as events carry it: without the reader's own `unread_count`, `last_read_seq` and `unread_mentions`. */
export const threadSnapshotOf = ({
  unread_count: _unread,
  last_read_seq: _mark,
  unread_mentions: _mentions,
  ...snapshot
}: Thread) => snapshot;

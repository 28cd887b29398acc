import { describe, expect, it } from "vitest";
import { createClient, type RetryOptions, unwrap } from "../../sdk/src";
import { adminAccessToken, BASE_URL, contractFetch } from "../support/api";
import { newThread, newUser } from "../support/conversations";

/** What the SDK sent: each request's method, path and Idempotency-Key. */
type Sent = { method: string; path: string; key: string | null }[];

/**
 * The SDK over the worker, with `fault` deciding per request (numbered from 1) whether the network
 * or the server misbehaves instead: "lost" lets the worker process it, then drops the answer.
 */
const clientWith = (
  token: string | (() => Promise<string>),
  fault: (n: number, request: Request) => "lost" | Response | undefined,
  retry: RetryOptions | false = { maxDelayMs: 2_000 },
) => {
  const sent: Sent = [];
  const retries: string[] = [];
  const fetch = async (request: Request) => {
    sent.push({
      method: request.method,
      path: new URL(request.url).pathname,
      key: request.headers.get("Idempotency-Key"),
    });
    const outcome = fault(sent.length, request);
    if (outcome instanceof Response) return outcome;
    const response = await contractFetch(request);
    if (outcome === "lost") throw new TypeError("network connection lost");
    return response;
  };
  const options =
    retry === false ? false : { ...retry, onRetry: ({ reason }: { reason: string }) => retries.push(reason) };
  return { api: createClient({ baseUrl: BASE_URL, token, fetch, retry: options }), sent, retries };
};

const problem = (status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ success: false, error: { type: "about:blank", status } }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

const messagesIn = async (token: string, threadId: string) =>
  unwrap(
    createClient({ baseUrl: BASE_URL, token, fetch: contractFetch }).GET("/threads/{id}/messages", {
      params: { path: { id: threadId } },
    }),
  );

describe("the SDK's retries", () => {
  it("keys a write and, its answer lost, retries it with the same key: stored once", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const { api, sent, retries } = clientWith(ada.token, (n) => (n === 1 ? "lost" : undefined));
    const message = await unwrap(
      api.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body: { text: "once" } }),
    );
    expect(sent).toHaveLength(2);
    expect(sent[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]?.key).toBe(sent[0]?.key);
    expect(retries).toEqual(["network connection lost"]);
    expect((await messagesIn(ada.token, thread.id)).map((m) => m.id)).toEqual([message.id]);
  });

  it("keeps a key the caller gave", async () => {
    const ada = await newUser();
    const { api, sent } = clientWith(ada.token, () => undefined);
    await unwrap(api.POST("/threads", { body: { title: "mine" }, headers: { "Idempotency-Key": "my-own-key-1" } }));
    expect(sent[0]?.key).toBe("my-own-key-1");
  });

  it("waits Retry-After on 429 and 503, then succeeds", async () => {
    const ada = await newUser();
    const { api, sent, retries } = clientWith(ada.token, (n) =>
      n === 1 ? problem(429, { "Retry-After": "1" }) : n === 2 ? problem(503, { "Retry-After": "0" }) : undefined,
    );
    const started = Date.now();
    const thread = await unwrap(api.POST("/threads", { body: { title: "after a wait" } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(thread.title).toBe("after a wait");
    expect(retries).toEqual(["429", "503"]);
    expect(new Set(sent.map((request) => request.key)).size).toBe(1);
  });

  it("waits out a 409 saying the first try of the key is still running, and no other 409", async () => {
    const ada = await newUser();
    const inUse = () =>
      new Response(
        JSON.stringify({
          success: false,
          error: { type: "https://docs.experience-layer.dev/problems/idempotency-key-in-use", status: 409 },
        }),
        { status: 409, headers: { "Content-Type": "application/json" } },
      );
    const waiting = clientWith(ada.token, (n) => (n === 1 ? inUse() : undefined));
    await unwrap(waiting.api.POST("/threads", { body: { title: "after the first try" } }));
    expect(waiting.retries).toEqual(["409"]);

    const conflict = clientWith(ada.token, () => problem(409));
    const { response } = await conflict.api.POST("/threads", { body: { title: "a real conflict" } });
    expect(response.status).toBe(409);
    expect(conflict.sent).toHaveLength(1);
  });

  it("retries a read after a 5xx, within a budget, then returns the last answer", async () => {
    const ada = await newUser();
    const { api, sent, retries } = clientWith(ada.token, () => problem(502), { maxRetries: 3, maxDelayMs: 20 });
    const { response } = await api.GET("/me");
    expect(response.status).toBe(502);
    expect(sent).toHaveLength(4);
    expect(retries).toEqual(["502", "502", "502"]);
  });

  it("returns at once an answer that asks to wait longer than maxDelayMs", async () => {
    const ada = await newUser();
    const { api, sent } = clientWith(ada.token, () => problem(429, { "Retry-After": "60" }), { maxDelayMs: 1_000 });
    const { response } = await api.GET("/me");
    expect(response.status).toBe(429);
    expect(sent).toHaveLength(1);
  });

  it("never retries a write that takes no Idempotency-Key, nor a streamed upload", async () => {
    const { api, sent } = clientWith(adminAccessToken, () => "lost");
    await expect(api.POST("/api-keys", { body: { name: "no key", scopes: ["users:read"] } })).rejects.toThrow(
      "network connection lost",
    );
    expect(sent).toEqual([{ method: "POST", path: "/api-keys", key: null }]);

    const uploads = clientWith(adminAccessToken, () => "lost");
    await expect(
      // A raw body, as an upload sends it (typed loosely: the spec describes it as bytes of any type).
      uploads.api.POST("/files", {
        params: { query: { filename: "notes.txt" } },
        body: "some bytes",
        bodySerializer: (body: unknown) => String(body),
        headers: { "Content-Type": "text/plain" },
      } as never),
    ).rejects.toThrow("network connection lost");
    expect(uploads.sent).toHaveLength(1);
  });

  it("with retry: false, adds no key and tries once", async () => {
    const ada = await newUser();
    const { api, sent } = clientWith(ada.token, (n) => (n === 1 ? problem(503) : undefined), false);
    const { response } = await api.POST("/threads", { body: { title: "no retry" } });
    expect(response.status).toBe(503);
    expect(sent).toEqual([{ method: "POST", path: "/threads", key: null }]);
  });
});

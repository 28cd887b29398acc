import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { unwrap, verifyWebhook, WebhookVerificationError } from "../../sdk/src";
import { createApp } from "../../src/app";
import { keyringFrom } from "../../src/auth/keyring";
import type { Bindings, WebhookJob } from "../../src/env";
import worker from "../../src/index";
import { repositories } from "../../src/repositories";
import { deliverWebhooks } from "../../src/webhooks/deliver";
import { openSecret } from "../../src/webhooks/secrets";
import { WEBHOOK_SWEEP_CRON, WEBHOOKS_QUEUE } from "../../src/webhooks/settings";
import { BASE_URL, client, randomIp } from "../support/api";
import { assertMatchesContract } from "../support/contract";
import {
  type Api,
  addAgent,
  allEvents,
  newMemberAgent,
  newThread,
  newUser,
  post,
  problemOf,
  removeAgent,
} from "../support/conversations";

/**
 * Webhooks (issue 20): subscriptions, the outbox (deliveries written in the batch that writes their events), and
 * the queue consumer that signs and sends them. Here the consumer is driven by hand with `fetch` stubbed, and writes
 * go through an app without the WEBHOOKS queue, so nothing races the test for a delivery; the e2e suite sends
 * deliveries to a real receiver through the real queue.
 */

const HOOK = "https://hooks.invalid/hook";
type Body = { url?: string; events?: string[]; thread_id?: string; description?: string };

const subscribe = (api: Api, body: Body = {}) =>
  unwrap(api.POST("/webhooks", { body: { url: HOOK, events: ["*"], ...body } as never }));

/** An admin with the SDK, raw HTTP and id. */
const newAdmin = () => newUser("ADMIN");

/** The service with other bindings, every answer checked against the contract. */
const callWith = async (bindings: Partial<Bindings>, token: string, path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  headers.set("CF-Connecting-IP", randomIp());
  if (init.body) headers.set("Content-Type", "application/json");
  const request = new Request(new URL(path, BASE_URL), { ...init, headers });
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract(request.method, request.url, response.clone());
  return response;
};

/** Writes through a service without the WEBHOOKS queue: deliveries are written, nothing is sent. */
const quietly = (token: string, path: string, body: unknown) =>
  callWith({ WEBHOOKS: undefined }, token, path, { method: "POST", body: JSON.stringify(body) });

const deliveriesOf = async (api: Api, id: string) =>
  unwrap(api.GET("/webhooks/{id}/deliveries", { params: { path: { id }, query: { limit: 100 } } }));

const row = (id: string) =>
  env.DB.prepare("SELECT * FROM webhook_deliveries WHERE id = ?").bind(id).first<Record<string, unknown>>();

describe("webhook subscriptions", () => {
  it("are created with a secret shown once, sealed at rest, and never shown again", async () => {
    const admin = await newAdmin();
    const { data, response } = await admin.api.POST("/webhooks", {
      body: { url: HOOK, events: ["message.created"], description: "support agent" },
    });
    expect(response.status).toBe(201);
    const made = data?.data;
    if (!made) throw new Error("no subscription");
    expect(response.headers.get("Location")).toBe(`/webhooks/${made.id}`);
    expect(made).toMatchObject({
      url: HOOK,
      events: ["message.created"],
      enabled: true,
      created_by: { type: "user", id: admin.id },
    });
    expect(made.secret).toMatch(/^whsec_/);

    const stored = await env.DB.prepare("SELECT * FROM webhook_subscriptions WHERE id = ?")
      .bind(made.id)
      .first<{ secret_kid: string; secret_ciphertext: string }>();
    expect(JSON.stringify(stored)).not.toContain(made.secret.slice(6));
    const keys = keyringFrom(env.WEBHOOK_SECRET_KEYS) ?? [];
    expect(await openSecret(keys, { kid: stored?.secret_kid ?? "", ciphertext: stored?.secret_ciphertext ?? "" })).toBe(
      made.secret,
    );

    const got = await unwrap(admin.api.GET("/webhooks/{id}", { params: { path: { id: made.id } } }));
    expect(got).not.toHaveProperty("secret");
    const listed = await unwrap(admin.api.GET("/webhooks", {}));
    expect(listed.find((hook) => hook.id === made.id)).not.toHaveProperty("secret");
  });

  it.each([
    ["a private address", "https://10.0.0.8/hook", /private/],
    ["the metadata address", "http://169.254.169.254/latest", /link-local/],
    ["a unique-local IPv6 address", "https://[fd00::1]/hook", /unique-local/],
    ["credentials", "https://user:secret@agent.example.com/hook", /credentials/],
    ["another scheme", "ftp://agent.example.com/hook", /https/],
  ])("refuses %s with webhook-url-refused naming the rule", async (_name, url, rule) => {
    const admin = await newAdmin();
    const response = await admin.http("/webhooks", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url, events: ["*"] }),
    });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.type).toMatch(/\/webhook-url-refused$/);
    expect(problem.detail).toMatch(rule);
  });

  it("takes https only, and no loopback, where the deployment says so (production)", async () => {
    const admin = await newAdmin();
    const production = { ENVIRONMENT: "production", WEBHOOK_ALLOW_LOOPBACK: "false" };
    const create = (url: string) =>
      callWith(production, admin.token, "/webhooks", { method: "POST", body: JSON.stringify({ url, events: ["*"] }) });
    const plain = await create("http://agent.example.com/hook");
    expect(plain.status).toBe(422);
    expect((await problemOf(plain)).detail).toMatch(/https/);
    const loopback = await create("https://127.0.0.1/hook");
    expect(loopback.status).toBe(422);
    expect((await problemOf(loopback)).detail).toMatch(/WEBHOOK_ALLOW_LOOPBACK/);
    expect((await create("https://agent.example.com/hook")).status).toBe(201);
  });

  it.each([
    ["WEBHOOK_SECRET_KEYS", { WEBHOOK_SECRET_KEYS: "" }],
    ["WEBHOOKS", { WEBHOOKS: undefined }],
  ])("answer 503 feature-not-configured naming %s when it is missing", async (name, bindings) => {
    const admin = await newAdmin();
    const made = await subscribe(admin.api);
    for (const [path, body] of [
      ["/webhooks", { url: HOOK, events: ["*"] }],
      [`/webhooks/${made.id}/secret/rotate`, undefined],
      [`/webhooks/${made.id}/test`, undefined],
    ] as const) {
      const response = await callWith(bindings, admin.token, path, {
        method: "POST",
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(response.status, path).toBe(503);
      const problem = await problemOf(response);
      expect(problem.type).toMatch(/\/feature-not-configured$/);
      expect(problem.detail).toContain(name);
    }
    const health = await (await callWith(bindings, admin.token, "/health")).json<{
      data: { features: Record<string, { configured: boolean; missing: string[] }> };
    }>();
    expect(health.data.features.webhooks).toEqual({ configured: false, missing: [name] });
  });

  it("are managed by admins and workspace-wide keys; a member-only key sees and changes only its own", async () => {
    const admin = await newAdmin();
    const adminHook = await subscribe(admin.api);
    const agent = await newMemberAgent(["threads:read", "webhooks:read", "webhooks:write"]);
    const agentHook = await subscribe(agent.api, { events: ["message.created"] });
    expect(agentHook.created_by).toEqual({ type: "api_key", id: agent.id });

    const ownList = await unwrap(agent.api.GET("/webhooks", {}));
    expect(ownList.map((hook) => hook.id)).toEqual([agentHook.id]);
    expect((await agent.api.GET("/webhooks/{id}", { params: { path: { id: adminHook.id } } })).response.status).toBe(
      404,
    );
    const adminList = await unwrap(admin.api.GET("/webhooks", { params: { query: { limit: 100 } } }));
    expect(adminList.map((hook) => hook.id)).toEqual(expect.arrayContaining([adminHook.id, agentHook.id]));

    const changed = await unwrap(
      agent.api.PATCH("/webhooks/{id}", {
        params: { path: { id: agentHook.id } },
        body: { events: ["message.created", "reaction.added"], description: "now reactions too" },
      }),
    );
    expect(changed).toMatchObject({ events: ["message.created", "reaction.added"], description: "now reactions too" });
    const { response: refused } = await agent.api.PATCH("/webhooks/{id}", {
      params: { path: { id: agentHook.id } },
      body: { url: "https://192.168.0.10/hook" },
    });
    expect(refused.status).toBe(422);

    expect((await agent.api.DELETE("/webhooks/{id}", { params: { path: { id: agentHook.id } } })).response.status).toBe(
      204,
    );
    expect((await agent.api.GET("/webhooks/{id}", { params: { path: { id: agentHook.id } } })).response.status).toBe(
      404,
    );
  });

  it("are at most 20 per creator (409), and only for threads the creator reaches (404)", async () => {
    const agent = await newMemberAgent(["threads:read", "webhooks:write"]);
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const { response } = await agent.api.POST("/webhooks", {
      body: { url: HOOK, events: ["*"], thread_id: thread.id },
    });
    expect(response.status).toBe(404);
    await addAgent(ada.api, thread.id, agent.id);
    expect((await subscribe(agent.api, { thread_id: thread.id })).thread_id).toBe(thread.id);
    for (let made = 1; made < 20; made++) await subscribe(agent.api);
    const full = await agent.http("/webhooks", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url: HOOK, events: ["*"] }),
    });
    expect(full.status).toBe(409);
  });

  it("rotate their secret: the new one shown once, the previous one signing for 24 hours", async () => {
    const admin = await newAdmin();
    const made = await subscribe(admin.api);
    const rotated = await unwrap(admin.api.POST("/webhooks/{id}/secret/rotate", { params: { path: { id: made.id } } }));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(made.secret);
    const overlap = Date.parse(rotated.previous_secret_expires_at ?? "") - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
  });

  it("send a test event on request (202), but not while disabled (409); an unknown delivery is 404", async () => {
    const admin = await newAdmin();
    const made = await subscribe(admin.api);
    const { data, response } = await admin.api.POST("/webhooks/{id}/test", { params: { path: { id: made.id } } });
    expect(response.status).toBe(202);
    expect(data?.data).toMatchObject({ webhook_id: made.id, event_type: "webhook.test", thread_id: null, seq: null });
    await unwrap(admin.api.PATCH("/webhooks/{id}", { params: { path: { id: made.id } }, body: { enabled: false } }));
    const refused = await admin.api.POST("/webhooks/{id}/test", { params: { path: { id: made.id } } });
    expect(refused.response.status).toBe(409);
    const unknown = await admin.api.POST("/webhooks/{id}/deliveries/{delivery_id}/retry", {
      params: { path: { id: made.id, delivery_id: "wnosuchdelivery000000000" } },
    });
    expect(unknown.response.status).toBe(404);
  });
});

describe("a subscription deleted while it is being changed", () => {
  // The handlers read it first and answer 404 when the change finds it gone (never a 500).
  it("is changed, rotated or retried into nothing: the repositories answer null", async () => {
    const { webhooks, webhookDeliveries } = repositories({ env });
    const sealed = { secretKid: "k", secretCiphertext: "c" };
    expect(await webhooks.update("wgone0000000000000000000", { enabled: true }, new Date())).toBeNull();
    expect(await webhooks.rotate("wgone0000000000000000000", sealed, sealed, new Date(), new Date())).toBeNull();
    expect(await webhookDeliveries.retry("wgone0000000000000000000", new Date())).toBeNull();
  });
});

describe("the outbox", () => {
  it("writes one delivery per taking subscription with each event, and none for other types or threads", async () => {
    const admin = await newAdmin();
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const other = await newThread(ada.api);
    const all = await subscribe(admin.api);
    const messagesOnly = await subscribe(admin.api, { events: ["message.created"] });
    const scoped = await subscribe(admin.api, { thread_id: thread.id, events: ["message.created"] });

    const message = await post(ada.api, thread.id, "hello");
    await ada.api.PUT("/threads/{id}/messages/{message_id}/reactions/{emoji}", {
      params: { path: { id: thread.id, message_id: message.id, emoji: "thumbsup" } },
    });
    await post(ada.api, other.id, "elsewhere");

    const events = (await allEvents(ada.api, thread.id)).filter((event) => event.seq > 1);
    const seqsOf = async (id: string, threadId: string) =>
      (await deliveriesOf(admin.api, id)).filter((d) => d.thread_id === threadId).map((d) => [d.event_type, d.seq]);
    expect(await seqsOf(all.id, thread.id)).toEqual(
      expect.arrayContaining(events.map((event) => [event.type, event.seq])),
    );
    expect(await seqsOf(messagesOnly.id, thread.id)).toEqual([["message.created", message.seq]]);
    expect(await seqsOf(scoped.id, thread.id)).toEqual([["message.created", message.seq]]);
    expect(await seqsOf(scoped.id, other.id)).toEqual([]);
  });

  it("follows a member-only key's reach: from its addition (which it hears of) to its removal (likewise)", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const agent = await newMemberAgent(["threads:read", "webhooks:read", "webhooks:write"]);
    const hook = await subscribe(agent.api);
    await post(ada.api, thread.id, "before the agent");
    await addAgent(ada.api, thread.id, agent.id);
    await post(ada.api, thread.id, "with the agent");
    await removeAgent(ada.api, thread.id, agent.id);
    await post(ada.api, thread.id, "after the agent");
    const types = (await deliveriesOf(agent.api, hook.id)).map((d) => d.event_type).reverse();
    expect(types).toEqual(["thread.agent_added", "message.created", "thread.agent_removed"]);
  });

  it("stops for a revoked key's subscriptions", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const agent = await newMemberAgent(["threads:read", "threads:all", "webhooks:read", "webhooks:write"]);
    const hook = await subscribe(agent.api, { events: ["message.created"] });
    await post(ada.api, thread.id, "seen");
    await unwrap(client.DELETE("/api-keys/{id}", { params: { path: { id: agent.id } } }));
    await post(ada.api, thread.id, "not seen");
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ?")
      .bind(hook.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("writes deliveries for every event of a thread created with messages", async () => {
    const admin = await newAdmin();
    const hook = await subscribe(admin.api);
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "one" }, { text: "two" }] });
    const delivered = (await deliveriesOf(admin.api, hook.id)).filter((d) => d.thread_id === thread.id);
    const bySeq = delivered.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    expect(bySeq.map((d) => [d.event_type, d.seq])).toEqual([
      ["thread.created", 1],
      ["message.created", 2],
      ["message.created", 3],
    ]);
  });
});

describe("the delivery consumer", () => {
  const sent: Request[] = [];
  const answers: (() => Response | Promise<Response>)[] = [];
  const queued: { ids: string[]; delaySeconds?: number }[] = [];
  const queue = {
    send: async () => undefined,
    sendBatch: async (messages: { body: WebhookJob }[], options?: { delaySeconds?: number }) => {
      queued.push({ ids: messages.map((m) => m.body.deliveryId), ...options });
    },
  } as unknown as Queue<WebhookJob>;

  /** The deliveries this test hands the consumer: the stub answers only these (see `receiver`). */
  const watching = new Set<string>();
  // The real queue consumer shares this isolate: a retry of an earlier test's delivery would reach the stub too,
  // so it is answered 503 and not recorded.
  const receiver = () =>
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (!watching.has(request.headers.get("webhook-id") ?? "")) return new Response(null, { status: 503 });
      sent.push(request);
      return (answers.shift() ?? (() => new Response(null, { status: 204 })))();
    });

  afterEach(() => {
    vi.restoreAllMocks();
    sent.length = 0;
    answers.length = 0;
    watching.clear();
    queued.length = 0;
  });

  const deliver = (ids: string[], bindings: Partial<Bindings> = {}) => {
    for (const id of ids) watching.add(id);
    return deliverWebhooks(
      createMessageBatch<WebhookJob>(
        WEBHOOKS_QUEUE,
        ids.map((deliveryId) => ({
          id: crypto.randomUUID(),
          timestamp: new Date(),
          attempts: 1,
          body: { deliveryId },
        })),
      ),
      { ...env, WEBHOOKS: queue, ...bindings },
    );
  };

  /** A subscription of the admin's, a thread of Ada's with one message in it (nothing queued), its delivery. */
  const oneDelivery = async (events = ["message.created"]) => {
    const admin = await newAdmin();
    const hook = await subscribe(admin.api, { events });
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const response = await quietly(ada.token, `/threads/${thread.id}/messages`, { text: "deliver me" });
    expect(response.status).toBe(201);
    const [delivery] = await deliveriesOf(admin.api, hook.id);
    if (!delivery) throw new Error("no delivery was written");
    return { admin, hook, ada, thread, delivery };
  };

  it("POSTs the event as the event feed returns it, signed, and records the success", async () => {
    receiver();
    const { admin, hook, ada, thread, delivery } = await oneDelivery();
    await deliver([delivery.id]);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url).toBe(HOOK);
    expect(request?.headers.get("webhook-id")).toBe(delivery.id);
    const body = await request?.text();
    const payload = verifyWebhook(hook.secret, request?.headers ?? new Headers(), body ?? "");
    const [event] = (await allEvents(ada.api, thread.id)).filter((e) => e.seq === delivery.seq);
    expect(payload).toEqual({ type: "message.created", timestamp: event?.created_at, data: event });
    const [after] = await deliveriesOf(admin.api, hook.id);
    expect(after).toMatchObject({ status: "SUCCEEDED", attempts: 1, last_response_status: 204, error: null });
  });

  it("retries a failure on the schedule, fails after the last attempt, and sends again when asked", async () => {
    receiver();
    const { admin, hook, delivery } = await oneDelivery();
    const bindings = { WEBHOOK_RETRY_SCHEDULE: "10,20" };
    answers.push(() => new Response("boom", { status: 500 }));
    await deliver([delivery.id], bindings);
    let stored = await row(delivery.id);
    expect(stored).toMatchObject({
      status: "PENDING",
      attempts: 1,
      last_response_status: 500,
      last_response_body: "boom",
    });
    expect(queued.at(-1)?.ids).toEqual([delivery.id]);
    expect(queued.at(-1)?.delaySeconds).toBeGreaterThanOrEqual(8);
    expect(queued.at(-1)?.delaySeconds).toBeLessThanOrEqual(12);

    // Not due yet: a message that comes early does nothing.
    await deliver([delivery.id], bindings);
    expect(sent).toHaveLength(1);

    for (const attempt of [2, 3]) {
      await env.DB.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?")
        .bind(new Date(Date.now() - 1000).toISOString().replace("Z", "+00:00"), delivery.id)
        .run();
      answers.push(() => new Response("still down", { status: 503 }));
      await deliver([delivery.id], bindings);
      stored = await row(delivery.id);
      expect(stored?.attempts).toBe(attempt);
    }
    expect(stored).toMatchObject({ status: "FAILED", next_attempt_at: null });
    expect(sent).toHaveLength(3);

    const retried = await unwrap(
      admin.api.POST("/webhooks/{id}/deliveries/{delivery_id}/retry", {
        params: { path: { id: hook.id, delivery_id: delivery.id } },
      }),
    );
    expect(retried.status).toBe("PENDING");
    await deliver([delivery.id], bindings);
    expect(await row(delivery.id)).toMatchObject({ status: "SUCCEEDED", attempts: 4 });
    expect(sent.map((request) => request.headers.get("webhook-id"))).toEqual(Array(4).fill(delivery.id));
  });

  it("signs with the previous secret too until its overlap ends, then with the new one only", async () => {
    receiver();
    const { admin, hook, delivery } = await oneDelivery();
    const rotated = await unwrap(admin.api.POST("/webhooks/{id}/secret/rotate", { params: { path: { id: hook.id } } }));
    await deliver([delivery.id]);
    const during = sent.at(-1);
    const duringBody = (await during?.clone().text()) ?? "";
    expect(during?.headers.get("webhook-signature")?.split(" ")).toHaveLength(2);
    expect(verifyWebhook(hook.secret, during?.headers ?? new Headers(), duringBody)).toBeTruthy();
    expect(verifyWebhook(rotated.secret, during?.headers ?? new Headers(), duringBody)).toBeTruthy();

    await env.DB.prepare("UPDATE webhook_subscriptions SET previous_secret_expires_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 1000).toISOString().replace("Z", "+00:00"), hook.id)
      .run();
    await unwrap(
      admin.api.POST("/webhooks/{id}/deliveries/{delivery_id}/retry", {
        params: { path: { id: hook.id, delivery_id: delivery.id } },
      }),
    );
    await deliver([delivery.id]);
    const after = sent.at(-1);
    const afterBody = (await after?.clone().text()) ?? "";
    expect(after?.headers.get("webhook-signature")?.split(" ")).toHaveLength(1);
    expect(verifyWebhook(rotated.secret, after?.headers ?? new Headers(), afterBody)).toBeTruthy();
    expect(() => verifyWebhook(hook.secret, after?.headers ?? new Headers(), afterBody)).toThrow(
      WebhookVerificationError,
    );
  });

  it("follows no redirect and keeps at most 1 KiB of the answer", async () => {
    receiver();
    const { delivery } = await oneDelivery();
    answers.push(
      () => new Response("x".repeat(5000), { status: 302, headers: { Location: "https://elsewhere.example" } }),
    );
    await deliver([delivery.id]);
    const stored = await row(delivery.id);
    expect(stored?.status).toBe("PENDING");
    expect(stored?.last_error).toMatch(/redirect.*not followed/i);
    expect(String(stored?.last_response_body)).toHaveLength(1024);
    expect(sent).toHaveLength(1);
  });

  it("disables a subscription whose every delivery failed for the configured span, saying why", async () => {
    receiver();
    const { admin, hook, delivery } = await oneDelivery();
    const since = new Date(Date.now() - 3600_000);
    await env.DB.prepare("UPDATE webhook_subscriptions SET failing_since = ? WHERE id = ?")
      .bind(since.toISOString().replace("Z", "+00:00"), hook.id)
      .run();
    answers.push(() => new Response(null, { status: 500 }));
    await deliver([delivery.id], { WEBHOOK_DISABLE_AFTER_SECONDS: "1800" });
    const got = await unwrap(admin.api.GET("/webhooks/{id}", { params: { path: { id: hook.id } } }));
    expect(got.enabled).toBe(false);
    expect(got.disabled_reason).toMatch(/Every delivery failed/);
    expect(got.failing_since).toBe(since.toISOString());

    const enabled = await unwrap(
      admin.api.PATCH("/webhooks/{id}", { params: { path: { id: hook.id } }, body: { enabled: true } }),
    );
    expect(enabled).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
  });

  it("fails a pending delivery, without sending it, once its creator's key is revoked", async () => {
    receiver();
    const agent = await newMemberAgent(["threads:read", "threads:all", "webhooks:read", "webhooks:write"]);
    const hook = await subscribe(agent.api);
    const ada = await newUser();
    const thread = await newThread(ada.api);
    await quietly(ada.token, `/threads/${thread.id}/messages`, { text: "for the agent" });
    const [delivery] = await deliveriesOf(agent.api, hook.id);
    await unwrap(client.DELETE("/api-keys/{id}", { params: { path: { id: agent.id } } }));
    await deliver([delivery?.id ?? ""]);
    expect(sent).toHaveLength(0);
    expect(await row(delivery?.id ?? "")).toMatchObject({ status: "FAILED" });
    expect(String((await row(delivery?.id ?? ""))?.last_error)).toMatch(/revoked/);
  });

  it("delivers through the every-minute sweep when queueing after the commit failed", async () => {
    receiver();
    const admin = await newAdmin();
    const hook = await subscribe(admin.api, { events: ["message.created"] });
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const down = { sendBatch: () => Promise.reject(new Error("queue unavailable")) } as unknown as Queue<WebhookJob>;
    const written = await callWith({ WEBHOOKS: down }, ada.token, `/threads/${thread.id}/messages`, {
      method: "POST",
      body: JSON.stringify({ text: "the queue is down" }),
    });
    expect(written.status).toBe(201);
    const [delivery] = await deliveriesOf(admin.api, hook.id);
    expect(delivery).toMatchObject({ status: "PENDING", attempts: 0 });

    // Within the bound the sweep leaves it to the queue; past it, the sweep queues it again.
    const cron = (at: number) => createScheduledController({ cron: WEBHOOK_SWEEP_CRON, scheduledTime: at });
    await worker.scheduled(cron(Date.now()), { ...env, WEBHOOKS: queue }, createExecutionContext());
    expect(queued.flatMap((batch) => batch.ids)).not.toContain(delivery?.id);
    await worker.scheduled(cron(Date.now() + 61_000), { ...env, WEBHOOKS: queue }, createExecutionContext());
    expect(queued.flatMap((batch) => batch.ids)).toContain(delivery?.id);

    await deliver([delivery?.id ?? ""]);
    expect(sent).toHaveLength(1);
    expect(await row(delivery?.id ?? "")).toMatchObject({ status: "SUCCEEDED", attempts: 1 });
  });
});

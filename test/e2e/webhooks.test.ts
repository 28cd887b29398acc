import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, unwrap } from "../../sdk/src";
import type { Scope } from "../support/harness";
import { startReceiver } from "./support/webhook-receiver";

// Webhooks end to end: the real `wrangler dev` of global-setup.ts (its local queue, consumer and D1; retries
// 1 s apart, see there) delivering to a real receiver — Node `http` on loopback — that verifies every request with
// the `standardwebhooks` package.

const base = () => inject("baseUrl");

// Sign-in is limited per client IP and writes per principal: each request comes from an address of its own.
let lastIp = 0;
const nextIp = () => {
  lastIp += 1;
  return `10.77.${(lastIp >> 8) & 255}.${lastIp & 255}`;
};
const clientAs = (token?: string) =>
  createClient({
    baseUrl: base(),
    ...(token ? { token } : {}),
    fetch: (request: Request) => {
      request.headers.set("CF-Connecting-IP", nextIp());
      return fetch(request);
    },
  });
type Api = ReturnType<typeof clientAs>;

const signIn = async (role: "ADMIN" | "USER") => {
  const tokens = await unwrap(
    clientAs().POST("/auth/dev/sign-in", { body: { email: `hooks-${randomUUID()}@example.com`, role } }),
  );
  const api = clientAs(tokens.access_token);
  return { api, id: (await unwrap(api.GET("/me"))).id };
};

let admin: Api;
const newKey = async (scopes: Scope[]) => {
  const key = await unwrap(admin.POST("/api-keys", { body: { name: `hooks-${randomUUID()}`, scopes } }));
  return { id: key.id, api: clientAs(key.secret) };
};

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
  admin = (await signIn("ADMIN")).api;
});
afterAll(() => receiver.stop());

/** A subscription to the receiver at `path`, whose requests the receiver verifies with its secret. */
const subscribe = async (api: Api, path: string, body: { events?: string[]; thread_id?: string } = {}) => {
  const made = await unwrap(
    api.POST("/webhooks", { body: { url: receiver.url(path), events: ["*"], ...body } as never }),
  );
  receiver.expect(path, made.secret);
  return made;
};

const at = (path: string) => receiver.received.filter((request) => request.path === path);
const payloadsAt = (path: string) => at(path).map((request) => JSON.parse(request.body));

describe("webhook deliveries to a real receiver", () => {
  it("deliver every event type, signed, with the event exactly as the event feed returns it", async () => {
    const { api: ada, id: adaId } = await signIn("USER");
    const agent = await newKey([
      "threads:read",
      "threads:write",
      "messages:write",
      "artifacts:write",
      "webhooks:write",
    ]);
    const path = `/every-${randomUUID()}`;
    await subscribe(agent.api, path);

    // The agent makes the thread (so it is its member from the first event), then everyone acts in it.
    const thread = await unwrap(agent.api.POST("/threads", { body: { title: "Every event", owner_id: adaId } }));
    const id = thread.id;
    await unwrap(ada.PATCH("/threads/{id}", { params: { path: { id } }, body: { title: "Renamed" } }));
    const message = await unwrap(
      ada.POST("/threads/{id}/messages", {
        params: { path: { id } },
        body: {
          text: "Pick one",
          blocks: [
            {
              type: "actions",
              block_id: "b",
              elements: [{ type: "button", action_id: "go", text: { type: "plain_text", text: "Go" } }],
            },
          ],
        },
      }),
    );
    const message_id = message.id;
    await unwrap(
      ada.PATCH("/threads/{id}/messages/{message_id}", {
        params: { path: { id, message_id } },
        body: { text: "Pick one!" },
      }),
    );
    const emoji = { params: { path: { id, message_id, emoji: "thumbsup" } } };
    await ada.PUT("/threads/{id}/messages/{message_id}/reactions/{emoji}", emoji);
    await ada.DELETE("/threads/{id}/messages/{message_id}/reactions/{emoji}", emoji);
    await unwrap(
      ada.POST("/threads/{id}/messages/{message_id}/actions", {
        params: { path: { id, message_id } },
        body: { block_id: "b", action_id: "go" },
      }),
    );
    await unwrap(agent.api.PUT("/threads/{id}/memory", { params: { path: { id } }, body: { notes: "remember" } }));
    const artifact = await unwrap(
      agent.api.POST("/threads/{id}/artifacts", {
        params: { path: { id } },
        body: { type: "INSIGHT", title: "Churn", content: { claim: "Down", confidence: 0.5, evidence: [] } },
      }),
    );
    const artifact_id = artifact.id;
    await unwrap(
      agent.api.PATCH("/threads/{id}/artifacts/{artifact_id}", {
        params: { path: { id, artifact_id }, header: { "If-Match": "*" } as never },
        body: { title: "Churn is down" },
      }),
    );
    await agent.api.DELETE("/threads/{id}/artifacts/{artifact_id}", { params: { path: { id, artifact_id } } });
    const other = await newKey(["threads:read"]);
    await unwrap(ada.PUT("/threads/{id}/agents/{key_id}", { params: { path: { id, key_id: other.id } } }));
    await ada.DELETE("/threads/{id}/agents/{key_id}", { params: { path: { id, key_id: other.id } } });
    await ada.DELETE("/threads/{id}/messages/{message_id}", { params: { path: { id, message_id } } });

    const feed = await unwrap(
      ada.GET("/threads/{id}/events", { params: { path: { id }, query: { after: 0, limit: 100 } } }),
    );
    await receiver.until(() => at(path).length >= feed.length);
    expect(at(path).every((request) => request.verified)).toBe(true);
    const bySeq = payloadsAt(path).sort((a, b) => a.data.seq - b.data.seq);
    expect(bySeq).toEqual(feed.map((event) => ({ type: event.type, timestamp: event.created_at, data: event })));
    expect(new Set(feed.map((event) => event.type))).toEqual(
      new Set([
        "thread.created",
        "thread.updated",
        "message.created",
        "message.updated",
        "message.deleted",
        "reaction.added",
        "reaction.removed",
        "interaction.created",
        "memory.updated",
        "artifact.created",
        "artifact.updated",
        "artifact.deleted",
        "thread.agent_added",
        "thread.agent_removed",
      ]),
    );
    // Each delivery has a webhook-id of its own, and says so in the deliveries list.
    expect(new Set(at(path).map((request) => request.headers["webhook-id"])).size).toBe(feed.length);
  });

  it("turn 100 concurrent posts into 100 deliveries, each webhook-id once among the successes", async () => {
    const { api: ada, id: adaId } = await signIn("USER");
    const thread = await unwrap(ada.POST("/threads", { body: { title: "Busy" } }));
    const path = `/busy-${randomUUID()}`;
    await subscribe(admin, path, { thread_id: thread.id, events: ["message.created"] });
    // Four agents share the load: writes are limited to 60 a minute per principal.
    const agents = await Promise.all([0, 1, 2, 3].map(() => newKey(["threads:read", "threads:all", "messages:write"])));
    await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        unwrap(
          (agents[n % 4]?.api ?? ada).POST("/threads/{id}/messages", {
            params: { path: { id: thread.id } },
            body: { text: `post ${n}` },
          }),
        ),
      ),
    );
    await receiver.until(() => at(path).filter((request) => request.status === 204).length >= 100, 60_000);
    const ids = at(path)
      .filter((request) => request.status === 204)
      .map((request) => request.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(100);
    const seqs = new Set(payloadsAt(path).map((payload) => payload.data.seq));
    expect(seqs.size).toBe(100);
    expect(adaId).toBeTruthy();
  });

  it("retry a receiver that fails three times and deliver on the fourth attempt, recording each", async () => {
    const { api: ada } = await signIn("USER");
    const thread = await unwrap(ada.POST("/threads", { body: { title: "Flaky" } }));
    const path = `/flaky-${randomUUID()}`;
    const hook = await subscribe(admin, path, { thread_id: thread.id, events: ["message.created"] });
    receiver.answer(path, (count) => (count < 3 ? 503 : 204));
    await unwrap(ada.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body: { text: "again" } }));
    await receiver.until(() => at(path).some((request) => request.status === 204), 30_000);
    expect(at(path).map((request) => request.status)).toEqual([503, 503, 503, 204]);
    expect(new Set(at(path).map((request) => request.headers["webhook-id"])).size).toBe(1);
    const [delivery] = await unwrap(admin.GET("/webhooks/{id}/deliveries", { params: { path: { id: hook.id } } }));
    expect(delivery).toMatchObject({ status: "SUCCEEDED", attempts: 4, last_response_status: 204 });
  });

  it("fail a delivery to a receiver that stays down after the last attempt; a retry by the API then delivers", async () => {
    const { api: ada } = await signIn("USER");
    const thread = await unwrap(ada.POST("/threads", { body: { title: "Down" } }));
    const path = `/down-${randomUUID()}`;
    const hook = await subscribe(admin, path, { thread_id: thread.id, events: ["message.created"] });
    let down = true;
    receiver.answer(path, () => (down ? 500 : 204));
    await unwrap(ada.POST("/threads/{id}/messages", { params: { path: { id: thread.id } }, body: { text: "lost?" } }));
    const deliveries = () => unwrap(admin.GET("/webhooks/{id}/deliveries", { params: { path: { id: hook.id } } }));
    const deadline = Date.now() + 30_000;
    let [delivery] = await deliveries();
    while (delivery?.status !== "FAILED" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      [delivery] = await deliveries();
    }
    // The schedule of global-setup.ts: five attempts.
    expect(delivery).toMatchObject({ status: "FAILED", attempts: 5, last_response_status: 500 });
    down = false;
    await unwrap(
      admin.POST("/webhooks/{id}/deliveries/{delivery_id}/retry", {
        params: { path: { id: hook.id, delivery_id: delivery?.id ?? "" } },
      }),
    );
    await receiver.until(() => at(path).some((request) => request.status === 204));
    expect((await deliveries())[0]).toMatchObject({ status: "SUCCEEDED", attempts: 6 });
  });

  it("sign with both secrets while a rotation overlaps, so the receiver can switch without losing one", async () => {
    const path = `/rotate-${randomUUID()}`;
    const hook = await subscribe(admin, path);
    const rotated = await unwrap(admin.POST("/webhooks/{id}/secret/rotate", { params: { path: { id: hook.id } } }));
    // The receiver still knows only the old secret: it verifies.
    await unwrap(admin.POST("/webhooks/{id}/test", { params: { path: { id: hook.id } } }));
    await receiver.until(() => at(path).length === 1);
    const [first] = at(path);
    expect(first?.verified).toBe(true);
    expect(String(first?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    // Switched to the new one: it verifies too.
    receiver.expect(path, rotated.secret);
    await unwrap(admin.POST("/webhooks/{id}/test", { params: { path: { id: hook.id } } }));
    await receiver.until(() => at(path).length === 2);
    expect(at(path)[1]?.verified).toBe(true);
    expect(JSON.parse(at(path)[1]?.body ?? "{}")).toMatchObject({
      type: "webhook.test",
      data: { webhook_id: hook.id },
    });
  });
});

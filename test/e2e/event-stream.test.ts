import { randomUUID } from "node:crypto";
import { EventSource, type FetchLike } from "eventsource";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDelta, createClient, subscribe, subscribeUser } from "../../sdk/src";
import { api, base, signIn } from "./support/api";

// Live thread streams end to end: the `eventsource` package (a WHATWG EventSource for Node) and Chromium's own
// EventSource against the real `wrangler dev` of global-setup.ts, which runs with STREAM_HEARTBEAT_SECONDS=1 and
// STREAM_MAX_PER_HOLDER=200 (see there).

const EVENT_TYPES = ["thread.created", "message.created", "message.updated", "message.delta", "reset"];

const newThread = async (token: string) => (await api<{ id: string }>(token, "POST", "/threads", { title: "live" })).id;
const post = (token: string, threadId: string, text: string) =>
  api(token, "POST", `/threads/${threadId}/messages`, { text });

/**
 * The operator's agents (workspace-wide API keys) to post from: 60 writes a minute each, so a burst of 200 is
 * spread over several.
 */
const newAgents = async (admin: string, count: number) =>
  Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = await api<{ secret: string }>(admin, "POST", "/api-keys", {
        name: `e2e-stream-${i}-${randomUUID()}`,
        scopes: ["threads:read", "messages:write", "threads:all"],
      });
      return key.secret;
    }),
  );

interface Received {
  id: string;
  type: string;
  /** An event of the log (`seq`, `data`), or a `message.delta` (`offset`, `text`). */
  data: { seq: number; data: { text?: string; state?: string }; offset: number; text: string };
}

/**
 * An EventSource on a thread, as `token`'s holder (sent as a header through the package's fetch hook) or, with
 * `url`, on a stream-token URL with no header at all. `drop()` cuts the current connection as a network would.
 */
const watch = (threadId: string, options: { token?: string; url?: string } = {}) => {
  const received: Received[] = [];
  const errors: (number | undefined)[] = [];
  let connections = 0;
  let cut: (() => void) | undefined;
  // The response's body is passed through a stream this test can end, as a dropped connection would.
  const fetchWithToken: FetchLike = async (url, init) => {
    connections += 1;
    const headers = options.token ? { ...init.headers, Authorization: `Bearer ${options.token}` } : init.headers;
    const response = await fetch(url, { ...init, headers });
    const upstream = response.body?.getReader();
    let ended = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        cut = () => {
          ended = true;
          upstream?.cancel().catch(() => {});
          controller.close();
        };
      },
      async pull(controller) {
        const chunk = await upstream?.read();
        if (ended) return;
        if (!chunk || chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
      cancel: () => upstream?.cancel(),
    });
    return {
      body,
      url: response.url,
      status: response.status,
      redirected: response.redirected,
      headers: response.headers,
    };
  };
  const source = new EventSource(options.url ? `${base()}${options.url}` : `${base()}/threads/${threadId}/events`, {
    fetch: fetchWithToken,
  });
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (event) => {
      received.push({ id: event.lastEventId, type, data: JSON.parse(event.data) });
    });
  }
  source.addEventListener("error", (event) => errors.push(event.code));
  return {
    received,
    errors,
    source,
    connections: () => connections,
    drop: () => cut?.(),
    close: () => source.close(),
  };
};

const until = async (what: string, done: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

const seqsOf = (received: Received[]) => received.map((event) => Number(event.id));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let admin: string;
beforeAll(async () => {
  admin = await signIn("ADMIN");
});

describe("live thread streams over SSE", () => {
  it("delivers events in order with their ids and payloads, and resumes after a dropped connection with exactly what was missed", async () => {
    const thread = await newThread(admin);
    const watcher = watch(thread, { token: admin });
    await post(admin, thread, "before the drop");
    await until("two events", () => watcher.received.length === 2);
    expect(watcher.received.map((e) => [e.id, e.type, e.data.seq])).toEqual([
      ["1", "thread.created", 1],
      ["2", "message.created", 2],
    ]);
    expect(watcher.received[1]?.data.data.text).toBe("before the drop");

    watcher.drop();
    await until("the client to notice the drop", () => watcher.source.readyState === EventSource.CONNECTING);
    for (const text of ["missed 1", "missed 2", "missed 3"]) await post(admin, thread, text);
    // EventSource reconnects by itself after the server's `retry:` (3 s), sending Last-Event-ID: 2.
    await until("the missed events", () => watcher.received.length === 5);
    await post(admin, thread, "after the reconnect");
    await until("the live event", () => watcher.received.length === 6);
    expect(watcher.connections()).toBe(2);
    expect(seqsOf(watcher.received)).toEqual(range(1, 6));
    expect(watcher.received.slice(2).map((e) => e.data.data.text)).toEqual([
      "missed 1",
      "missed 2",
      "missed 3",
      "after the reconnect",
    ]);
    watcher.close();
  });

  it("sends heartbeat comments to keep the connection alive", async () => {
    const thread = await newThread(admin);
    const response = await fetch(`${base()}/threads/${thread}/events`, {
      headers: { Accept: "text/event-stream", Authorization: `Bearer ${admin}` },
    });
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!text.includes(": heartbeat\n") && Date.now() < deadline) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += chunk.value;
    }
    await reader?.cancel();
    expect(text.startsWith("retry: 3000\n\n")).toBe(true);
    expect(text).toContain(": heartbeat\n");
  });

  it("keeps another user's thread a 404, and their events off my stream", async () => {
    const [ada, bob] = [await signIn("USER"), await signIn("USER")];
    const [adas, bobs] = [await newThread(ada), await newThread(bob)];
    const intruder = watch(adas, { token: bob });
    const own = watch(bobs, { token: bob });
    await post(ada, adas, "private");
    await until("bob's stream to be refused", () => intruder.errors.length > 0);
    expect(intruder.errors[0]).toBe(404);
    expect(intruder.source.readyState).toBe(EventSource.CLOSED);
    await until("bob's own thread.created", () => own.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(own.received.map((e) => e.type)).toEqual(["thread.created"]);
    own.close();
  });

  it("opens a stream with a stream token and no header, for that thread only", async () => {
    const [thread, other] = [await newThread(admin), await newThread(admin)];
    const { url, token } = await api<{ url: string; token: string }>(admin, "POST", "/stream-tokens", {
      thread_id: thread,
    });
    const watcher = watch(thread, { url });
    await until("the thread's first event", () => watcher.received.length === 1);
    const elsewhere = watch(other, { url: `/threads/${other}/events?token=${token}` });
    await until("the other thread to refuse it", () => elsewhere.errors.length > 0);
    expect(elsewhere.errors[0]).toBe(401);
    watcher.close();
  });

  it("gives each of 120 watchers every one of a burst of 200 messages exactly once, in order, while one watcher reads nothing", async () => {
    const thread = await newThread(admin);
    // Opened first and never read: the others must not wait for it.
    const stalled = await fetch(`${base()}/threads/${thread}/events`, {
      headers: { Accept: "text/event-stream", Authorization: `Bearer ${admin}` },
    });
    expect(stalled.status).toBe(200);
    const watchers = Array.from({ length: 120 }, () => watch(thread, { token: admin }));
    await until("every watcher's thread.created", () => watchers.every((w) => w.received.length === 1), 60_000);

    const agents = await newAgents(admin, 4);
    await Promise.all(
      agents.map(async (agent, a) => {
        for (let i = 0; i < 50; i++) await post(agent, thread, `burst ${a}-${i}`);
      }),
    );
    await until("all 201 events at every watcher", () => watchers.every((w) => w.received.length >= 201), 120_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const watcher of watchers) {
      expect(seqsOf(watcher.received)).toEqual(range(1, 201));
      watcher.close();
    }
    await stalled.body?.cancel();
  }, 240_000);
});

describe("streamed replies over SSE", () => {
  it("arrive as message.delta events and end with the text a later GET returns, each delta applied once though sent twice", async () => {
    const thread = await newThread(admin);
    const [agent = ""] = await newAgents(admin, 1);
    const watcher = watch(thread, { token: admin });
    await until("thread.created", () => watcher.received.length === 1);
    const message = await api<{ id: string }>(agent, "POST", `/threads/${thread}/messages`, { streaming: true });
    const deltas = `/threads/${thread}/messages/${message.id}/deltas`;
    let length = 0;
    for (const text of ["Churn ", "fell ", "to 3.2%."]) {
      const delta = { offset: length, text };
      length = (await api<{ length: number }>(agent, "POST", deltas, delta)).length;
      // Sent again, as a client whose answer was lost would: stored once, and not shown twice.
      expect((await api<{ length: number }>(agent, "POST", deltas, delta)).length).toBe(length);
    }
    await api(agent, "POST", `/threads/${thread}/messages/${message.id}/complete`, {});
    await until("the completion", () => watcher.received.some((event) => event.type === "message.updated"));

    expect(watcher.received.map((event) => event.type)).toEqual([
      "thread.created",
      "message.created",
      "message.delta",
      "message.delta",
      "message.delta",
      "message.updated",
    ]);
    const stored = await api<{ text: string; state: string }>(
      admin,
      "GET",
      `/threads/${thread}/messages/${message.id}`,
    );
    expect(stored).toMatchObject({ text: "Churn fell to 3.2%.", state: "COMPLETE" });
    const streamed = watcher.received.filter((event) => event.type === "message.delta").map((event) => event.data);
    expect(streamed.map(({ offset, text }) => [offset, text])).toEqual([
      [0, "Churn "],
      [6, "fell "],
      [11, "to 3.2%."],
    ]);
    expect(streamed.reduce(applyDelta, "")).toBe(stored.text);
    expect(watcher.received.at(-1)?.data.data).toMatchObject({ state: "COMPLETE", text: stored.text });
    watcher.close();
  });
});

describe("the WebSocket stream", () => {
  it("gives a browser-style WebSocket (a stream token, no headers) the same events, and answers ping", async () => {
    const thread = await newThread(admin);
    const { url } = await api<{ url: string }>(admin, "POST", "/stream-tokens", { thread_id: thread });
    const ws = new WebSocket(`${base().replace(/^http/, "ws")}${url}`);
    const frames: { id?: string; event: string; data: { data: { text?: string } } }[] = [];
    let pongs = 0;
    ws.addEventListener("message", (event) => {
      if (event.data === "pong") pongs += 1;
      else frames.push(JSON.parse(String(event.data)));
    });
    await until("the thread's first event", () => frames.length === 1);
    await post(admin, thread, "over a socket");
    await until("the message", () => frames.length === 2);
    expect(frames.map((frame) => [frame.id, frame.event])).toEqual([
      ["1", "thread.created"],
      ["2", "message.created"],
    ]);
    expect(frames[1]?.data.data.text).toBe("over a socket");
    ws.send("ping");
    await until("a pong", () => pongs === 1);
    ws.close();
  });
});

describe("the SDK's subscribe", () => {
  it("follows a thread through EventSource and stream tokens, as it does in browsers", async () => {
    const thread = await newThread(admin);
    const client = createClient({ baseUrl: base(), token: admin });
    const texts: string[] = [];
    const seqs: number[] = [];
    const subscription = subscribe(
      client,
      thread,
      { onEvent: (event) => seqs.push(event.seq), on: { "message.created": (event) => texts.push(event.data.text) } },
      { eventSource: { baseUrl: base(), EventSource } },
    );
    await until("thread.created", () => seqs.length === 1);
    await post(admin, thread, "through EventSource");
    await until("the message", () => texts.length === 1);
    expect(seqs).toEqual([1, 2]);
    expect(texts).toEqual(["through EventSource"]);
    subscription.close();
    await subscription.done;
  });

  it("follows a user's own stream through EventSource and a user-stream token", async () => {
    const user = await signIn("USER");
    const client = createClient({ baseUrl: base(), token: user });
    const seen: [number, string][] = [];
    const subscription = subscribeUser(
      client,
      { onEvent: (event) => seen.push([event.seq, event.event.type]) },
      { eventSource: { baseUrl: base(), EventSource } },
    );
    const thread = await newThread(user);
    await post(user, thread, "for the badge");
    await until("both events", () => seen.length === 2);
    expect(seen).toEqual([
      [1, "thread.created"],
      [2, "message.created"],
    ]);
    expect(subscription.lastEventId).toBe(2);
    subscription.close();
    await subscription.done;
  });
});

describe("a browser's EventSource", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a message posted from elsewhere, through a stream token", async () => {
    const thread = await newThread(admin);
    const { url } = await api<{ url: string }>(admin, "POST", "/stream-tokens", { thread_id: thread });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base()}/health`);
    // The page's own script, as a web app would have it (this file is compiled without the DOM's types).
    await page.addScriptTag({
      content: `
        document.body.innerHTML = '<ul id="messages"></ul>';
        const source = new EventSource(${JSON.stringify(url)});
        source.addEventListener("message.created", (event) => {
          const item = document.createElement("li");
          item.textContent = JSON.parse(event.data).data.text;
          document.getElementById("messages").append(item);
        });`,
    });
    await post(admin, thread, "Hello from the test");
    await page.locator("#messages li", { hasText: "Hello from the test" }).waitFor({ timeout: 15_000 });
  });
});

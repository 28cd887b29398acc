import { describe, expect, it } from "vitest";
import {
  applyDelta,
  createClient,
  type SubscribeHandlers,
  streamReply,
  subscribe,
  subscribeUser,
  type UserEvent,
  unwrap,
} from "../../sdk/src";
import { BASE_URL, contractFetch } from "../support/api";
import { newAgent, newThread, newUser, post } from "../support/conversations";

type Event = Parameters<NonNullable<SubscribeHandlers["onEvent"]>>[0];

/** Collects what a subscription hands over, and lets a test wait for it. */
const recorder = () => {
  const events: Event[] = [];
  const texts: string[] = [];
  const errors: { error: unknown; willRetry: boolean }[] = [];
  const resets: string[] = [];
  let opens = 0;
  const handlers: SubscribeHandlers = {
    onEvent: (event) => events.push(event),
    on: { "message.created": (event) => texts.push(event.data.text) },
    onError: (error, willRetry) => errors.push({ error, willRetry }),
    onReset: (reset) => resets.push(reset.reason),
    onOpen: () => {
      opens += 1;
    },
  };
  const until = async (what: string, done: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { events, texts, errors, resets, handlers, until, opens: () => opens };
};

/** The worker's fetch, where the first live stream's connection breaks after event 2, as a network would cut it. */
const fetchCuttingFirstStream = (resumedFrom: (string | null)[]) => {
  return async (request: Request) => {
    const response = await contractFetch(request);
    if (!request.headers.get("Accept")?.includes("text/event-stream") || !response.body) return response;
    resumedFrom.push(request.headers.get("Last-Event-ID"));
    if (resumedFrom.length > 1) return response;
    // Passed on until the event with seq 2 has gone through, then broken.
    const reader = response.body.getReader();
    const received: Uint8Array[] = [];
    let text = "";
    while (!text.includes("id: 2\n")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received.push(chunk.value);
      text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    // What was read goes out first; the break comes on the read after it.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = received.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.error(new TypeError("network connection lost"));
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
};

describe("SDK subscribe", () => {
  it("delivers a thread's events in order, typed per type, the log first and then live", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "first" }] });
    const seen = recorder();
    const subscription = subscribe(ada.api, thread.id, seen.handlers);
    await seen.until("the log so far", () => seen.events.length === 2);
    await post(ada.api, thread.id, "second");
    await seen.until("the live event", () => seen.events.length === 3);
    expect(seen.events.map((e) => [e.seq, e.type])).toEqual([
      [1, "thread.created"],
      [2, "message.created"],
      [3, "message.created"],
    ]);
    expect(seen.texts).toEqual(["first", "second"]);
    expect(subscription.lastEventId).toBe(3);
    subscription.close();
    await subscription.done;
  });

  it("reconnects after a dropped connection and resumes after the last event, none missed or repeated", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "one" }, { text: "two" }] });
    const resumedFrom: (string | null)[] = [];
    const api = createClient({ baseUrl: BASE_URL, token: ada.token, fetch: fetchCuttingFirstStream(resumedFrom) });
    const seen = recorder();
    const subscription = subscribe(api, thread.id, seen.handlers, { initialDelayMs: 50 });
    await seen.until("a reconnect", () => seen.opens() === 2);
    await post(ada.api, thread.id, "three");
    await seen.until("every event", () => seen.events.length === 4);
    expect(seen.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(resumedFrom).toEqual(["0", "2"]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]?.willRetry).toBe(true);
    subscription.close();
    await subscription.done;
  });

  it("hands over activity statuses apart from the log's events", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const activity: (string | null)[] = [];
    const seen = recorder();
    const subscription = subscribe(ada.api, thread.id, {
      ...seen.handlers,
      onActivity: (change) => activity.push(change.text),
    });
    await seen.until("thread.created", () => seen.events.length === 1);
    await unwrap(
      ada.api.PUT("/threads/{id}/activity", { params: { path: { id: thread.id } }, body: { text: "typing" } }),
    );
    await unwrap(ada.api.DELETE("/threads/{id}/activity", { params: { path: { id: thread.id } } }));
    await seen.until("both changes", () => activity.length === 2);
    expect(activity).toEqual(["typing", null]);
    expect(subscription.lastEventId).toBe(1);
    subscription.close();
    await subscription.done;
  });

  it("starts after `after`", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api, { messages: [{ text: "old" }, { text: "new" }] });
    const seen = recorder();
    const subscription = subscribe(ada.api, thread.id, seen.handlers, { after: 2 });
    await seen.until("the event after 2", () => seen.events.length === 1);
    expect(seen.texts).toEqual(["new"]);
    subscription.close();
    await subscription.done;
  });

  it("ends with onReset when the thread is deleted", async () => {
    const ada = await newUser();
    const thread = await newThread(ada.api);
    const seen = recorder();
    const subscription = subscribe(ada.api, thread.id, seen.handlers);
    await seen.until("thread.created", () => seen.events.length === 1);
    await unwrap(ada.api.DELETE("/threads/{id}", { params: { path: { id: thread.id } } }));
    await subscription.done;
    expect(seen.resets).toEqual(["thread_deleted"]);
  });

  it("gives up on a thread it may not read, saying it will not retry", async () => {
    const [ada, bob] = [await newUser(), await newUser()];
    const thread = await newThread(ada.api);
    const seen = recorder();
    await subscribe(bob.api, thread.id, seen.handlers).done;
    expect(seen.events).toEqual([]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toMatchObject({ willRetry: false, error: { status: 404 } });
  });

  it("streams an agent's reply from an async iterable: watchers build the text from deltas, a lost answer is retried and applied once", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const texts = new Map<string, string>();
    const seen = recorder();
    const subscription = subscribe(ada.api, thread.id, {
      ...seen.handlers,
      onDelta: (delta) => texts.set(delta.message_id, applyDelta(texts.get(delta.message_id) ?? "", delta)),
    });
    await seen.until("thread.created", () => seen.events.length === 1);

    // The second delta reaches the worker but its answer is lost, as on a dropped connection.
    let deltas = 0;
    const flaky = async (request: Request) => {
      const response = await contractFetch(request);
      if (request.url.endsWith("/deltas") && ++deltas === 2) throw new TypeError("network connection lost");
      return response;
    };
    const api = createClient({ baseUrl: BASE_URL, token: agent.token, fetch: flaky });
    async function* tokens() {
      for (const token of ["Churn ", "fell ", "from 4.1% ", "to 3.2%."]) yield token;
    }
    const message = await streamReply(api, thread.id, tokens(), {
      complete: { metadata: { report_id: "q3-churn" } },
    });

    expect(deltas).toBe(5);
    expect(message).toMatchObject({ state: "COMPLETE", text: "Churn fell from 4.1% to 3.2%." });
    await seen.until("the completion", () => seen.events.some((event) => event.type === "message.updated"));
    expect(texts.get(message.id)).toBe(message.text);
    const stored = await unwrap(
      ada.api.GET("/threads/{id}/messages/{message_id}", {
        params: { path: { id: thread.id, message_id: message.id } },
      }),
    );
    expect(stored).toMatchObject({ text: message.text, metadata: { report_id: "q3-churn" } });
    subscription.close();
    await subscription.done;
  });

  it("ends a streamed reply that a user stops: the chunks' generator is closed and the stopped message returned", async () => {
    const ada = await newUser();
    const agent = await newAgent();
    const thread = await newThread(ada.api);
    const api = createClient({ baseUrl: BASE_URL, token: agent.token, fetch: contractFetch });
    let closed = false;
    let produced = 0;
    async function* tokens() {
      try {
        for (;;) {
          produced += 1;
          if (produced === 3) {
            // The user presses stop while the agent is generating.
            const [streaming] = (
              await unwrap(ada.api.GET("/threads/{id}/messages", { params: { path: { id: thread.id } } }))
            ).filter((message) => message.state === "STREAMING");
            await unwrap(
              ada.api.POST("/threads/{id}/messages/{message_id}/stop", {
                params: { path: { id: thread.id, message_id: streaming?.id ?? "" } },
              }),
            );
          }
          yield `token ${produced} `;
        }
      } finally {
        closed = true;
      }
    }
    const message = await streamReply(api, thread.id, tokens());
    expect(message).toMatchObject({ state: "INCOMPLETE", incomplete_reason: "STOPPED", text: "token 1 token 2 " });
    expect(closed).toBe(true);
    expect(produced).toBe(3);
  });

  it("follows my user stream: my threads and new messages in them, typed, and nobody else's", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const events: UserEvent[] = [];
    const subscription = subscribeUser(ada.api, { onEvent: (event) => events.push(event) });
    const thread = await newThread(ada.api);
    await newThread(bob.api);
    await post(bob.api, (await newThread(bob.api)).id, "bob's own");
    await post(ada.api, thread.id, "hello");
    const deadline = Date.now() + 10_000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.map((event) => [event.seq, event.event.type, event.event.thread_id])).toEqual([
      [1, "thread.created", thread.id],
      [2, "message.created", thread.id],
    ]);
    expect(subscription.lastEventId).toBe(2);
    subscription.close();
    await subscription.done;
  });
});

import { describe, expect, it } from "vitest";
import { unwrap } from "../../sdk/src";
import { anonymous, client, clientWith, signIn } from "../support/api";
import { allEvents, newAgent, newThread, newUser, post } from "../support/conversations";
import { createUser } from "../support/factories";

// One isolate serves many requests at once, sharing its PrismaClient and caches. A promise that one
// request created and another awaits never resolves in Workers: these requests would hang.
describe("concurrent requests in one isolate", () => {
  it("authenticate and read at the same time", async () => {
    const tokens = await signIn("USER");
    const api = clientWith(tokens.access_token);
    const results = await Promise.all([api.GET("/me"), api.GET("/me"), api.GET("/me/sessions"), api.GET("/me")]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200, 200]);
  });

  it("read users by id at the same time", async () => {
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const ids = [a.id, b.id, a.id, b.id];
    const results = await Promise.all(ids.map((id) => client.GET("/users/{id}", { params: { path: { id } } })));
    expect(results.map((r) => r.data?.data.id)).toEqual(ids);
  });

  it("check health at the same time", async () => {
    const results = await Promise.all([anonymous.GET("/health"), anonymous.GET("/health"), anonymous.GET("/health")]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
  });
});

describe("many clients writing to one thread at once", () => {
  it("keeps every write, once, in one gapless order, with counters and memory that add up", async () => {
    const owner = await newUser();
    const agents = await Promise.all([newAgent(), newAgent(), newAgent()]);
    const thread = await newThread(owner.api);
    const target = await post(owner.api, thread.id, "react to me");
    const texts = agents.flatMap((_, a) => Array.from({ length: 10 }, (_, i) => `agent ${a} says ${i}`));
    const emojis = ["tada", "eyes", "rocket", "heart", "fire"];
    const results = await Promise.all([
      ...texts.map((text, i) =>
        (agents[i % agents.length] ?? owner).api.POST("/threads/{id}/messages", {
          params: { path: { id: thread.id } },
          body: { text },
        }),
      ),
      ...emojis.map((emoji) =>
        owner.api.PUT("/threads/{id}/messages/{message_id}/reactions/{emoji}", {
          params: { path: { id: thread.id, message_id: target.id, emoji } },
        }),
      ),
      ...emojis.map((emoji, i) =>
        owner.api.PATCH("/threads/{id}/memory", {
          params: { path: { id: thread.id } },
          body: { [emoji]: i },
          headers: { "Content-Type": "application/merge-patch+json" },
        }),
      ),
    ]);
    expect(results.map((result) => result.response.status).filter((status) => status >= 300)).toEqual([]);

    const events = await allEvents(owner.api, thread.id);
    // thread.created, the first message, then 30 messages, 5 reactions and 5 memory patches: each once, gapless.
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    const posted = events.filter((event) => event.type === "message.created").map((event) => event.data.text);
    expect(posted.sort()).toEqual(["react to me", ...texts].sort());
    const after = await unwrap(owner.api.GET("/threads/{id}", { params: { path: { id: thread.id } } }));
    expect(after).toMatchObject({ message_count: 31, last_event_seq: 42, memory_version: 5 });
    const memory = await unwrap(owner.api.GET("/threads/{id}/memory", { params: { path: { id: thread.id } } }));
    expect(memory.memory).toEqual(Object.fromEntries(emojis.map((emoji, i) => [emoji, i])));
    const message = await unwrap(
      owner.api.GET("/threads/{id}/messages/{message_id}", {
        params: { path: { id: thread.id, message_id: target.id } },
      }),
    );
    expect(message.reactions.map((reaction) => reaction.emoji).sort()).toEqual([...emojis].sort());
  });
});

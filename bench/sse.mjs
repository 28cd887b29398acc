// SSE watchers and the post → receipt measurement, shared by bench/streams.mjs (the live-stream bench) and
// bench/run.mjs (which reports delivery at 100 watchers in its one table).
import { createParser } from "eventsource-parser";
import { bearer, call, runId } from "./common.mjs";

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/**
 * One SSE watcher: resolves once connected; `seen` maps each message text to the time this watcher got it, `deltas`
 * each delta's offset to the time it got that.
 */
export const watch = async (url, token, threadId) => {
  const seen = new Map();
  const deltas = new Map();
  const response = await fetch(`${url}/threads/${threadId}/events`, {
    headers: { accept: "text/event-stream", ...bearer(token) },
  });
  if (response.status !== 200)
    throw new Error(`a watcher was refused with ${response.status}: ${await response.text()}`);
  const parser = createParser({
    onEvent: (message) => {
      if (message.event === "message.created") seen.set(JSON.parse(message.data).data.text, performance.now());
      if (message.event === "message.delta") deltas.set(JSON.parse(message.data).offset, performance.now());
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      parser.feed(value);
    }
  })();
  return {
    seen,
    deltas,
    close: () =>
      reader
        .cancel()
        .catch(() => {})
        .then(() => reading),
  };
};

export const waitFor = async (what, done, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/** `posts` messages one after another to a thread with `count` watchers; the latency of every receipt. */
export const measureLatency = async (url, token, count, posts) => {
  const threadId = (await call(url, token, "POST", "/threads", { title: `Bench: ${count} watchers` })).data.id;
  const watchers = [];
  // Opened in groups, so a thousand connections do not all start in the same instant.
  for (let start = 0; start < count; start += 50) {
    const group = Math.min(50, count - start);
    watchers.push(...(await Promise.all(Array.from({ length: group }, () => watch(url, token, threadId)))));
  }
  const latencies = [];
  const writes = [];
  for (let i = 0; i < posts; i++) {
    const text = `latency ${runId} ${count} ${i}`;
    const sent = performance.now();
    await call(url, token, "POST", `/threads/${threadId}/messages`, { text });
    writes.push(performance.now() - sent);
    await waitFor(`post ${i} at ${count} watchers`, () => watchers.every((w) => w.seen.has(text)));
    for (const watcher of watchers) latencies.push(watcher.seen.get(text) - sent);
  }
  await Promise.all(watchers.map((watcher) => watcher.close()));
  return {
    watchers: count,
    posts,
    receipts: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    writeP50Ms: percentile(writes, 50),
  };
};

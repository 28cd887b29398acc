// What webhooks cost a write, and how long a delivery takes, under `wrangler dev`:
//
//   1. POST /threads/{id}/messages against its twin (the same batch, rate-limiter call and publish step, written
//      straight to D1: POST /_bench/threads/{id}/messages?rate_limit=1&notify=1), with 0 and then 3 subscriptions
//      taking every event. Both write the outbox statement; with subscriptions both also write 3 deliveries per
//      post and queue them, and the queue consumer sends them to a local receiver on the same machine. Interleaved
//      rounds, medians; the budget is the bench's own: ≥ 0.8× the twin's req/s.
//   2. Delivery latency: posts one at a time (a pause between), each timed to the moment the receiver got its
//      delivery from the moment its POST was sent (an upper bound of commit → receiver) and from its answer.
//
//   npm run bench:webhooks -- [--rounds 4] [--duration 3] [--connections 10] [--posts 200]
//
// Prints a markdown table; bench/README.md quotes it.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startDevServer } from "../test/e2e/support/dev-server.ts";
import { bearer, call, log, median, runId, signInAsAdmin, writeBenchConfig } from "./common.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "4" },
    duration: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    posts: { type: "string", default: "200" },
  },
});
const [ROUNDS, DURATION, CONNECTIONS, POSTS] = [values.rounds, values.duration, values.connections, values.posts].map(
  Number,
);
if (![ROUNDS, DURATION, CONNECTIONS, POSTS].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error("--rounds, --duration, --connections and --posts must be whole numbers of at least 1");
}
const SUBSCRIPTIONS = 3;
const BUDGET = 0.8;

/** A receiver that answers 204 at once and notes when each delivery of a post (by its text) arrived. */
const startReceiver = async () => {
  const arrivals = new Map();
  let received = 0;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received++;
      const text = JSON.parse(body).data?.data?.text;
      if (typeof text === "string" && !arrivals.has(text)) arrivals.set(text, performance.now());
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    arrivals,
    received: () => received,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
};

let counter = 0;
const post = (path, token) => ({
  method: "POST",
  path,
  headers: { "content-type": "application/json", ...(token ? bearer(token) : {}) },
  setupRequest: (request) => ({ ...request, body: JSON.stringify({ text: `bench ${runId} ${counter++}` }) }),
});

const load = async (url, request) => {
  const result = await autocannon({ url, requests: [request], connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${request.path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result.requests.average;
};

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const main = async () => {
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-webhooks-"));
  const receiver = await startReceiver();
  const server = await startDevServer({ configPath: writeBenchConfig(configDir) });
  try {
    const token = await signInAsAdmin(server.url);
    const thread = (await call(server.url, token, "POST", "/threads", { title: "Webhook bench" })).data.id;
    const real = post(`/threads/${thread}/messages`, token);
    const twin = post(`/_bench/threads/${thread}/messages?rate_limit=1&notify=1`);
    const rows = [];
    for (const subscriptions of [0, SUBSCRIPTIONS]) {
      for (let made = 0; made < subscriptions; made++) {
        await call(server.url, token, "POST", "/webhooks", { url: receiver.url, events: ["*"] });
      }
      await load(server.url, real);
      await load(server.url, twin);
      const ratios = [];
      const rates = { real: [], twin: [] };
      for (let round = 0; round < ROUNDS; round++) {
        log(`${subscriptions} subscriptions, round ${round + 1}/${ROUNDS}`);
        // Rotating which goes first.
        const pair = round % 2 === 0 ? ["real", "twin"] : ["twin", "real"];
        const measured = {};
        for (const which of pair) measured[which] = await load(server.url, which === "real" ? real : twin);
        rates.real.push(measured.real);
        rates.twin.push(measured.twin);
        ratios.push(measured.real / measured.twin);
      }
      rows.push({
        subscriptions,
        real: median(rates.real),
        twin: median(rates.twin),
        ratio: median(ratios),
        spread: [Math.min(...ratios), Math.max(...ratios)],
      });
    }
    // Let the queue drain before timing single deliveries.
    const drainUntil = Date.now() + 120_000;
    let last = -1;
    while (receiver.received() !== last && Date.now() < drainUntil) {
      last = receiver.received();
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    log(`the receiver got ${receiver.received()} deliveries from the load; timing ${POSTS} single posts…`);
    // From the POST sent (an upper bound of commit → receiver) and from its answer (the delivery may come first).
    const fromSent = [];
    const fromAnswer = [];
    for (let n = 0; n < POSTS; n++) {
      const text = `latency ${runId} ${n}`;
      const sent = performance.now();
      await call(server.url, token, "POST", `/threads/${thread}/messages`, { text });
      const answered = performance.now();
      const deadline = answered + 30_000;
      while (!receiver.arrivals.has(text) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      if (!receiver.arrivals.has(text)) throw new Error(`post ${n}'s delivery did not arrive within 30 s`);
      fromSent.push(receiver.arrivals.get(text) - sent);
      fromAnswer.push(receiver.arrivals.get(text) - answered);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const report = [
      `Webhooks under wrangler dev (${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections; ${POSTS} single posts).`,
      "",
      "| Subscriptions | POST /threads/{id}/messages req/s | twin (+ limiter + publish) req/s | ratio (median) | rounds' spread | budget ≥ 0.8 |",
      "| ---: | ---: | ---: | ---: | --- | --- |",
      ...rows.map(
        (row) =>
          `| ${row.subscriptions} | ${row.real.toFixed(0)} | ${row.twin.toFixed(0)} | ${row.ratio.toFixed(2)} | ${row.spread.map((r) => r.toFixed(2)).join("–")} | ${row.ratio >= BUDGET ? "met" : "missed"} |`,
      ),
      "",
      `POST with ${SUBSCRIPTIONS} subscriptions against POST with none: ${(rows[1].real / rows[0].real).toFixed(2)}×.`,
      `Delivery latency (${SUBSCRIPTIONS} subscriptions, one post at a time), POST sent → receiver: p50 ${percentile(fromSent, 50).toFixed(1)} ms, p99 ${percentile(fromSent, 99).toFixed(1)} ms, max ${Math.max(...fromSent).toFixed(1)} ms; POST answered → receiver: p50 ${percentile(fromAnswer, 50).toFixed(1)} ms, p99 ${percentile(fromAnswer, 99).toFixed(1)} ms (negative: the delivery came before the answer).`,
    ];
    console.log(report.join("\n"));
    if (rows.some((row) => row.ratio < BUDGET)) process.exitCode = 1;
  } finally {
    await server.stop();
    await receiver.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
};

await main();

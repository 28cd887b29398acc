// Live-stream delivery under `wrangler dev` (fresh local D1, loopback only): how long a posted message takes to reach
// every watcher of its thread over SSE, for 1, 100 and 1000 watchers; how many events a second one thread carries to
// its watchers when several agents post at once; and how fast a streamed reply's deltas reach 100 watchers.
//
//   npm run bench:streams -- [--watchers 1,100,1000] [--posts 30] [--burst 300] [--deltas 200]
//
// Latency is measured from just before the POST is sent to the moment each watcher's parser has the event, on the same
// clock (one Node process is both poster and watchers), so it includes the write, the poke of the thread's Durable
// Object, its log read and the fan-out — and the cost of this process parsing N streams on the same 2 cores. Posts are
// sequential: the next starts when every watcher has the previous one. The report goes to stdout (markdown) and
// bench/results/streams.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot, startDevServer } from "../test/e2e/support/dev-server.ts";
import { call, log, runId, signInAsAdmin, writeBenchConfig } from "./common.mjs";
import { measureLatency, percentile, waitFor, watch } from "./sse.mjs";

const readOptions = () => {
  const { values } = parseArgs({
    options: {
      watchers: { type: "string", default: process.env.BENCH_WATCHERS ?? "1,100,1000" },
      posts: { type: "string", default: process.env.BENCH_POSTS ?? "30" },
      burst: { type: "string", default: process.env.BENCH_BURST ?? "300" },
      deltas: { type: "string", default: process.env.BENCH_DELTAS ?? "200" },
    },
  });
  const whole = (name, text, minimum) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name} must be a whole number ≥ ${minimum}`);
    return value;
  };
  return {
    watchers: values.watchers.split(",").map((n) => whole("watchers", n, 1)),
    posts: whole("posts", values.posts, 1),
    burst: whole("burst", values.burst, 1),
    deltas: whole("deltas", values.deltas, 1),
  };
};

/** `burst` messages posted by 10 agents at once to a thread with 10 watchers: events a second delivered to all. */
const measureThroughput = async (url, token, burst) => {
  const threadId = (await call(url, token, "POST", "/threads", { title: "Bench: burst" })).data.id;
  const watchers = await Promise.all(Array.from({ length: 10 }, () => watch(url, token, threadId)));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < burst) {
        const i = next++;
        await call(url, token, "POST", `/threads/${threadId}/messages`, { text: `burst ${runId} ${i}` });
      }
    }),
  );
  const written = performance.now();
  await waitFor("the whole burst at every watcher", () => watchers.every((w) => w.seen.size === burst));
  const delivered = performance.now();
  await Promise.all(watchers.map((watcher) => watcher.close()));
  return {
    messages: burst,
    watchers: 10,
    writtenPerSec: burst / ((written - started) / 1000),
    deliveredPerSec: burst / ((delivered - started) / 1000),
    lagAfterLastWriteMs: delivered - written,
  };
};

/**
 * A reply streamed as `count` deltas of 8 characters (about two LLM tokens), each sent when the previous one was
 * answered, as an agent does, to a thread with 100 watchers: delta POST → receipt at every watcher, and deltas a second.
 */
const measureDeltas = async (url, token, count) => {
  const threadId = (await call(url, token, "POST", "/threads", { title: "Bench: streamed reply" })).data.id;
  const watchers = await Promise.all(Array.from({ length: 100 }, () => watch(url, token, threadId)));
  const messageId = (await call(url, token, "POST", `/threads/${threadId}/messages`, { streaming: true })).data.id;
  const latencies = [];
  const writes = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const offset = i * 8;
    const sent = performance.now();
    await call(url, token, "POST", `/threads/${threadId}/messages/${messageId}/deltas`, { offset, text: "token 42" });
    writes.push(performance.now() - sent);
    await waitFor(`delta ${i}`, () => watchers.every((w) => w.deltas.has(offset)));
    for (const watcher of watchers) latencies.push(watcher.deltas.get(offset) - sent);
  }
  const elapsed = performance.now() - started;
  await call(url, token, "POST", `/threads/${threadId}/messages/${messageId}/complete`, {});
  await Promise.all(watchers.map((watcher) => watcher.close()));
  return {
    deltas: count,
    watchers: 100,
    receipts: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    writeP50Ms: percentile(writes, 50),
    deltasPerSec: count / (elapsed / 1000),
  };
};

const main = async () => {
  const options = readOptions();
  log(`options: ${JSON.stringify(options)}`);
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-bench-"));
  // The burst has 10 watchers and the streamed reply 100, whatever --watchers says.
  const most = Math.max(...options.watchers, 100) + 10;
  const server = await startDevServer({
    configPath: writeBenchConfig(configDir),
    vars: {
      STREAM_MAX_PER_THREAD: String(most),
      STREAM_MAX_PER_HOLDER: String(most),
      ACCESS_TOKEN_TTL_SECONDS: "86400",
    },
  }).catch((error) => {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  });
  const latency = [];
  let throughput;
  let deltas;
  try {
    const token = await signInAsAdmin(server.url);
    for (const count of options.watchers) {
      log(`${count} watcher(s), ${options.posts} posts…`);
      latency.push(await measureLatency(server.url, token, count, options.posts));
    }
    log(`a burst of ${options.burst} messages from 10 posters to 10 watchers…`);
    throughput = await measureThroughput(server.url, token, options.burst);
    log(`a reply streamed as ${options.deltas} deltas to 100 watchers…`);
    deltas = await measureDeltas(server.url, token, options.deltas);
  } catch (error) {
    console.error(`wrangler dev output (last 4000 characters):\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  }

  const fixed = (value) => value.toFixed(0);
  console.log(
    [
      "## Live streams: wrangler dev on 127.0.0.1, SSE watchers in one Node process",
      "",
      "| Watchers | Receipts | p50 ms | p99 ms | max ms | POST p50 ms |",
      "| ---: | ---: | ---: | ---: | ---: | ---: |",
      ...latency.map(
        (r) =>
          `| ${r.watchers} | ${r.receipts} | ${fixed(r.p50Ms)} | ${fixed(r.p99Ms)} | ${fixed(r.maxMs)} | ${fixed(r.writeP50Ms)} |`,
      ),
      "",
      `Burst: ${throughput.messages} messages from 10 concurrent posters, 10 watchers: written at ${fixed(throughput.writtenPerSec)}/s, delivered to every watcher at ${fixed(throughput.deliveredPerSec)}/s; the last arrived ${fixed(throughput.lagAfterLastWriteMs)} ms after the last write answered.`,
      "",
      `Streamed reply: ${deltas.deltas} deltas sent one after another to 100 watchers (${deltas.receipts} receipts): delta POST → receipt p50 ${fixed(deltas.p50Ms)} ms, p99 ${fixed(deltas.p99Ms)} ms; POST p50 ${fixed(deltas.writeP50Ms)} ms; ${fixed(deltas.deltasPerSec)} deltas/s from one author.`,
    ].join("\n"),
  );
  const resultsDir = join(repoRoot, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? "unknown", node: process.version },
    options,
    latency,
    throughput,
    deltas,
  };
  writeFileSync(join(resultsDir, "streams.json"), `${JSON.stringify(results, null, 2)}\n`);
  log("wrote bench/results/streams.json");
};

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});

// Thread export throughput under `wrangler dev`: GET /threads/{id}/export of a large seeded thread, as JSON and as
// Markdown, read to the end by one client, `--rounds` times each (interleaved); the median MB/s (10^6 bytes of body
// per second, from the request to the last byte). While each export runs, the resident memory of the dev server's
// workerd process(es) is sampled every 50 ms: workerd's isolates report no heap figure of their own
// (`process.memoryUsage()` answers zeros there), so the process's RSS over its level before the export is the one
// honest measure of what an export holds — an upper bound, as it also counts workerd's own buffers.
//
//   npm run bench:export -- [--messages 100000] [--rounds 3]
//
// Prints a markdown table; bench/README.md quotes it. `npm run bench` reports the same on its large thread.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../test/e2e/support/dev-server.ts";
import { bearer, call, log, median, signInAsAdmin, workerdRss, writeBenchConfig } from "./common.mjs";

const FORMATS = [
  { name: "JSON", accept: "application/json" },
  { name: "Markdown", accept: "text/markdown" },
];

/** One export read to its end; its size, time and the workerd RSS peak meanwhile. */
const exportOnce = async (url, token, threadId, format, groupId) => {
  let peak = groupId ? workerdRss(groupId) : 0;
  const sampler = groupId ? setInterval(() => (peak = Math.max(peak, workerdRss(groupId))), 50) : null;
  try {
    const started = performance.now();
    const response = await fetch(`${url}/threads/${threadId}/export`, {
      headers: { ...bearer(token), accept: format.accept },
    });
    if (!response.ok || !response.body) throw new Error(`export as ${format.name} answered ${response.status}`);
    let bytes = 0;
    for await (const chunk of response.body) bytes += chunk.byteLength;
    const seconds = (performance.now() - started) / 1000;
    return { bytes, seconds, megabytesPerSec: bytes / 1e6 / seconds, peakRss: peak };
  } finally {
    if (sampler) clearInterval(sampler);
  }
};

/**
 * Each format exported `rounds` times (interleaved) from the thread; medians. `groupId` (wrangler's process group)
 * turns on the memory sampling.
 */
export const measureExports = async (url, token, threadId, { rounds, groupId }) => {
  // Warm the isolate (and Prisma's query compiler) outside the figures, then take the memory's resting level.
  for (const format of FORMATS) await exportOnce(url, token, threadId, format, null);
  const baseline = groupId ? workerdRss(groupId) : 0;
  const runs = FORMATS.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, format] of FORMATS.entries()) {
      const run = await exportOnce(url, token, threadId, format, groupId);
      runs[index].push(run);
      log(`round ${round + 1}: ${format.name} ${(run.bytes / 1e6).toFixed(1)} MB in ${run.seconds.toFixed(2)} s`);
    }
  }
  return FORMATS.map((format, index) => ({
    format: format.name,
    bytes: runs[index][0].bytes,
    seconds: median(runs[index].map((run) => run.seconds)),
    megabytesPerSec: median(runs[index].map((run) => run.megabytesPerSec)),
    rssGrowth: groupId ? Math.max(...runs[index].map((run) => run.peakRss)) - baseline : null,
    baseline,
  }));
};

/** The markdown table of `measureExports`' rows. */
export const exportTable = (rows, messages) => {
  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return [
    `| Export of ${messages.toLocaleString("en-US")} messages | Body | Time, median | MB/s, median | workerd RSS over its resting level, max |`,
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (row) =>
        `| ${row.format} | ${mib(row.bytes)} | ${row.seconds.toFixed(2)} s | ${row.megabytesPerSec.toFixed(1)} | ${row.rssGrowth === null ? "n/a" : mib(row.rssGrowth)} |`,
    ),
    "",
    rows[0]?.baseline ? `workerd's resting RSS before the exports: ${mib(rows[0].baseline)}.` : "",
  ].join("\n");
};

const main = async () => {
  const { values } = parseArgs({
    options: { messages: { type: "string", default: "100000" }, rounds: { type: "string", default: "3" } },
  });
  const [MESSAGES, ROUNDS] = [values.messages, values.rounds].map(Number);
  if (![MESSAGES, ROUNDS].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error("--messages and --rounds must be whole numbers of at least 1");
  }
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-export-"));
  const server = await startDevServer({ configPath: writeBenchConfig(configDir) });
  try {
    const token = await signInAsAdmin(server.url);
    const me = (await call(server.url, token, "GET", "/me")).data;
    const thread = (await call(server.url, token, "POST", "/threads", { title: "bench export", owner_id: me.id })).data;
    const seeded = await call(server.url, null, "POST", `/_bench/threads/${thread.id}/seed`, { count: MESSAGES });
    log(`seeded ${MESSAGES} messages in ${seeded.elapsed_ms} ms`);
    const rows = await measureExports(server.url, token, thread.id, { rounds: ROUNDS, groupId: server.pid });
    console.log(exportTable(rows, MESSAGES));
  } finally {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await main();

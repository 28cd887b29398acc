// Where an upload's time goes: `POST /files` (raw body) taken apart under `wrangler dev` (bench/upload-stages.ts),
// each stage adding one step of the service's pipeline to a bare R2 put of the body, next to the real `POST /files`.
// One request at a time by default (so the figures are the pipeline's, not the machine's queueing), in rounds,
// medians reported, with workerd's CPU time per upload (its one thread is the limit when uploads run together).
// Also how the request body arrives in the worker: how many chunks, of what sizes. Then memory: one upload of
// `--memory-mib` (100 MiB by default; 0 skips it) through a bare R2 put, through `POST /files`, and as a resumable
// upload in 10 MiB parts completed (the completion reads every byte back to check it), each in a fresh dev server,
// whose workerd's resident memory is sampled every 20 ms: its peak over its level before.
//
//   npm run bench:uploads -- [--rounds 3] [--requests 6] [--mib 10] [--connections 1] [--memory-mib 100]
//
// Prints a markdown table; bench/README.md quotes it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../test/e2e/support/dev-server.ts";
import { bearer, call, log, median, signInAsAdmin, workerdCpuMs, workerdRss, writeBenchConfig } from "./common.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "6" },
    mib: { type: "string", default: "10" },
    connections: { type: "string", default: "1" },
    "memory-mib": { type: "string", default: "100" },
  },
});
const MEMORY_MIB = Number(values["memory-mib"]);
if (!Number.isInteger(MEMORY_MIB) || MEMORY_MIB < 0) throw new Error("--memory-mib must be a whole number");
/** The resumable upload's part size in the memory measurement. */
const PART_MIB = 10;
const [ROUNDS, REQUESTS, MIB, CONNECTIONS] = [values.rounds, values.requests, values.mib, values.connections].map(
  Number,
);
if (![ROUNDS, REQUESTS, MIB, CONNECTIONS].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error("--rounds, --requests, --mib and --connections must be whole numbers of at least 1");
}
const BYTES = MIB * 1024 * 1024;

/** Incompressible bytes. */
const body = Buffer.alloc(BYTES);
for (let at = 0; at < BYTES; at += 65_536) crypto.getRandomValues(body.subarray(at, at + 65_536));

const STAGES = [
  { name: "bare R2 put", path: "/_bench/upload-stages/bare" },
  { name: "+ FixedLengthStream", path: "/_bench/upload-stages/fixed" },
  { name: "+ a JS TransformStream passing chunks on", path: "/_bench/upload-stages/passthrough" },
  { name: "+ each chunk written to a DigestStream, awaited", path: "/_bench/upload-stages/digest" },
  { name: "+ each chunk written to a DigestStream, not awaited", path: "/_bench/upload-stages/digest-unawaited" },
  { name: "the body teed into a DigestStream and R2 (no JS per chunk)", path: "/_bench/upload-stages/tee" },
  { name: "+ read in 64 KiB chunks (BYOB), each written by JS", path: "/_bench/upload-stages/large-chunks?kib=64" },
  { name: "+ read in 256 KiB chunks (BYOB), each written by JS", path: "/_bench/upload-stages/large-chunks?kib=256" },
  { name: "+ read in 1 MiB chunks (BYOB), each written by JS", path: "/_bench/upload-stages/large-chunks?kib=1024" },
  { name: "the service's pipeline (src/files/store.ts)", path: "/_bench/upload-stages/service" },
  { name: "POST /files", path: "/files?filename=bench.bin", admin: true },
];

const RAW = { "content-type": "application/octet-stream" };

/** A request that must succeed: its answer's text, or an error naming it. */
const send = async (url, path, init) => {
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
};

/** One upload of the body (`--mib`) through `stage`; its time in ms. */
const upload = async (url, token, stage) => {
  const started = performance.now();
  await send(url, stage.path, {
    method: stage.admin ? "POST" : "PUT",
    headers: { ...RAW, ...(stage.admin ? bearer(token) : {}) },
    body,
  });
  return performance.now() - started;
};

/** The peak of workerd's resident memory while `work` runs, over its level just before. */
const peakGrowth = async (groupId, work) => {
  const resting = workerdRss(groupId);
  let peak = resting;
  const sampler = setInterval(() => {
    peak = Math.max(peak, workerdRss(groupId));
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return { resting, growth: Math.max(peak, workerdRss(groupId)) - resting };
};

/** The ways one upload of `bytes` is measured for memory: the bare put, `POST /files`, and a resumable upload. */
const memoryWays = [
  {
    name: `bare R2 put of ${MEMORY_MIB} MiB (the baseline)`,
    run: (url, _token, bytes) => send(url, "/_bench/files/memory", { method: "PUT", body: bytes }),
  },
  {
    name: `POST /files, ${MEMORY_MIB} MiB`,
    run: (url, token, bytes) =>
      send(url, "/files?filename=memory.bin", { method: "POST", headers: { ...RAW, ...bearer(token) }, body: bytes }),
  },
  {
    name: `resumable upload of ${MEMORY_MIB} MiB: ${PART_MIB} MiB parts, then completed (read back)`,
    run: async (url, token, bytes) => {
      const partBytes = PART_MIB * 1024 * 1024;
      const { data } = await call(url, token, "POST", "/uploads", {
        filename: "memory.bin",
        content_type: "application/octet-stream",
        total_bytes: bytes.byteLength,
        part_size: partBytes,
      });
      for (let at = 0, n = 1; at < bytes.byteLength; at += partBytes, n++) {
        await send(url, `/uploads/${data.id}/parts/${n}`, {
          method: "PUT",
          headers: { ...RAW, ...bearer(token) },
          body: bytes.subarray(at, at + partBytes),
        });
      }
      await send(url, `/uploads/${data.id}/complete`, { method: "POST", headers: bearer(token) });
    },
  },
];

/**
 * A dev server of the bench's worker, signed in as an admin, for `work`. Each memory measurement gets its own: in a
 * server that has just moved gigabytes, the allocator has freed pages to spare and RSS would not grow at all.
 */
const withServer = async (work) => {
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-uploads-"));
  const server = await startDevServer({
    configPath: writeBenchConfig(configDir),
    // Room for one request of --memory-mib, the service's and the twin's (which the JSON-body limit covers).
    vars: Object.fromEntries(
      ["MAX_UPLOAD_BYTES", "MAX_BODY_BYTES"].map((name) => [name, String(Math.max(MEMORY_MIB, MIB, 25) * 1024 * 1024)]),
    ),
  });
  try {
    return await work(server, await signInAsAdmin(server.url));
  } finally {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
};

/** One upload of MEMORY_MIB each way, each in a fresh server after one of 1 MiB (outside the figure). */
const measureMemory = async () => {
  const big = Buffer.alloc(MEMORY_MIB * 1024 * 1024);
  for (let at = 0; at < big.byteLength; at += 65_536) crypto.getRandomValues(big.subarray(at, at + 65_536));
  const rows = [];
  for (const way of memoryWays) {
    log(`memory: ${way.name}…`);
    const measured = await withServer(async (server, token) => {
      await way.run(server.url, token, big.subarray(0, 1024 * 1024));
      return peakGrowth(server.pid, () => way.run(server.url, token, big));
    });
    rows.push({ name: way.name, ...measured });
  }
  return rows;
};

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The stages, rotating, in rounds; prints their table. */
const measureStages = async (server, token) => {
  const arrival = await fetch(`${server.url}/_bench/upload-stages/count`, { method: "PUT", body }).then((r) =>
    r.json(),
  );
  log(`the body arrives as ${JSON.stringify(arrival)}`);
  const times = new Map(STAGES.map((stage) => [stage.name, []]));
  const cpu = new Map(STAGES.map((stage) => [stage.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotating order, so no stage always follows the same one.
    const order = STAGES.map((_, i) => STAGES[(i + round) % STAGES.length]);
    log(`round ${round + 1}/${ROUNDS}`);
    for (const stage of order) {
      await upload(server.url, token, stage); // warm-up
      const cpuBefore = workerdCpuMs(server.pid);
      // `--connections` uploads at once: each sample is the time per upload of the whole batch.
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        await Promise.all(Array.from({ length: CONNECTIONS }, () => upload(server.url, token, stage)));
        times.get(stage.name).push((performance.now() - started) / CONNECTIONS);
      }
      cpu.get(stage.name).push((workerdCpuMs(server.pid) - cpuBefore) / (REQUESTS * CONNECTIONS));
    }
  }
  const bare = median(times.get(STAGES[0].name));
  const bareCpu = median(cpu.get(STAGES[0].name));
  console.log(
    `### ${MIB} MiB uploads, ${CONNECTIONS} at a time, ${ROUNDS} rounds of ${REQUESTS} (medians; ms per upload)\n`,
  );
  console.log(
    `The body arrives in ${arrival.chunks} chunks (smallest ${arrival.smallest} B, median ${arrival.median} B, largest ${arrival.largest} B).\n`,
  );
  console.log(
    "| Stage | ms | MB/s | vs bare put | workerd CPU ms per upload | over the bare put's |\n| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const stage of STAGES) {
    const ms = median(times.get(stage.name));
    const cpuMs = median(cpu.get(stage.name));
    console.log(
      `| ${stage.name} | ${ms.toFixed(0)} | ${(BYTES / 1e6 / (ms / 1000)).toFixed(0)} | ${(bare / ms).toFixed(2)}× | ${cpuMs.toFixed(0)} | ${(cpuMs - bareCpu).toFixed(0)} |`,
    );
  }
};

await withServer(measureStages);
if (MEMORY_MIB > 0) {
  const rows = await measureMemory();
  console.log(`\n### Memory: workerd's resident memory while one ${MEMORY_MIB} MiB upload runs\n`);
  console.log("| Upload | workerd RSS before | peak over it |\n| --- | ---: | ---: |");
  for (const row of rows) console.log(`| ${row.name} | ${mib(row.resting)} | ${mib(row.growth)} |`);
}

// Where an upload's time goes: `POST /files` (raw body) taken apart under `wrangler dev` (bench/upload-stages.ts),
// each stage adding one step of the service's pipeline to a bare R2 put of the body, next to the real `POST /files`.
// One request at a time by default (so the figures are the pipeline's, not the machine's queueing), in rounds,
// medians reported. Also how the request body arrives in the worker: how many chunks, of what sizes.
//
//   npm run bench:uploads -- [--rounds 3] [--requests 6] [--mib 10] [--connections 1]
//
// Prints a markdown table; bench/README.md quotes it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../test/e2e/support/dev-server.ts";
import { bearer, log, median, signInAsAdmin, writeBenchConfig } from "./common.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "6" },
    mib: { type: "string", default: "10" },
    connections: { type: "string", default: "1" },
  },
});
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
  { name: "+ JS passthrough on 64 KiB chunks (BYOB)", path: "/_bench/upload-stages/large-chunks?kib=64" },
  { name: "+ JS passthrough on 256 KiB chunks (BYOB)", path: "/_bench/upload-stages/large-chunks?kib=256" },
  { name: "+ JS passthrough on 1 MiB chunks (BYOB)", path: "/_bench/upload-stages/large-chunks?kib=1024" },
  { name: "the service's pipeline (src/files/store.ts)", path: "/_bench/upload-stages/service" },
  { name: "POST /files", path: "/files?filename=bench.bin", admin: true },
];

const upload = async (url, token, stage) => {
  const started = performance.now();
  const response = await fetch(`${url}${stage.path}`, {
    method: stage.admin ? "POST" : "PUT",
    headers: { "content-type": "application/octet-stream", ...(stage.admin ? bearer(token) : {}) },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${stage.name} answered ${response.status}: ${text.slice(0, 500)}`);
  return performance.now() - started;
};

const main = async () => {
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-uploads-"));
  const server = await startDevServer({ configPath: writeBenchConfig(configDir) });
  try {
    const token = await signInAsAdmin(server.url);
    const arrival = await fetch(`${server.url}/_bench/upload-stages/count`, { method: "PUT", body }).then((r) =>
      r.json(),
    );
    log(`the body arrives as ${JSON.stringify(arrival)}`);
    const times = new Map(STAGES.map((stage) => [stage.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating order, so no stage always follows the same one.
      const order = STAGES.map((_, i) => STAGES[(i + round) % STAGES.length]);
      log(`round ${round + 1}/${ROUNDS}`);
      for (const stage of order) {
        await upload(server.url, token, stage); // warm-up
        // `--connections` uploads at once: each sample is the time per upload of the whole batch.
        for (let i = 0; i < REQUESTS; i++) {
          const started = performance.now();
          await Promise.all(Array.from({ length: CONNECTIONS }, () => upload(server.url, token, stage)));
          times.get(stage.name).push((performance.now() - started) / CONNECTIONS);
        }
      }
    }
    const bare = median(times.get(STAGES[0].name));
    console.log(
      `### ${MIB} MiB uploads, ${CONNECTIONS} at a time, ${ROUNDS} rounds of ${REQUESTS} (medians; ms per upload)\n`,
    );
    console.log(
      `The body arrives in ${arrival.chunks} chunks (smallest ${arrival.smallest} B, median ${arrival.median} B, largest ${arrival.largest} B).\n`,
    );
    console.log("| Stage | ms | MB/s | vs bare put |\n| --- | ---: | ---: | ---: |");
    for (const stage of STAGES) {
      const ms = median(times.get(stage.name));
      console.log(
        `| ${stage.name} | ${ms.toFixed(0)} | ${(BYTES / 1e6 / (ms / 1000)).toFixed(0)} | ${(bare / ms).toFixed(2)}× |`,
      );
    }
  } finally {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
};

await main();

// Load-tests the real worker under `wrangler dev` (fresh local D1, loopback only) and compares GET/POST /users with
// raw-D1 twins of the same SQL (src/routes/bench/baseline.ts), measured in the same run, so the ratios say what
// authentication, rate limiting, Prisma, validation and the envelope cost. /users is called as a signed-in admin.
// Also reports the size of the bundle `wrangler deploy` would upload.
//
//   npm run bench -- [--rounds 4] [--duration 3] [--warmup 1] [--connections 10] [--seed 200]
//
// Flags default to BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS and BENCH_SEED. Durations are
// seconds per route per round. wrangler dev's own processes take most of the CPU of a 2-core machine and a single
// long run per route drifts by 10-15 %, so routes are measured in interleaved rounds (a route and its baseline
// always close together in time, in rotating order) and the report gives medians, and per-round ratios' spread.
// Progress goes to stderr; the markdown report to stdout; the numbers to bench/results/latest.json.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, constants, cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { experimental_readRawConfig } from "wrangler";
import { repoRoot, startDevServer, wranglerEnv } from "../test/e2e/support/dev-server.ts";

const execFileAsync = promisify(execFile);
const log = (message) => console.error(`[bench] ${message}`);

const MINIMUM = { rounds: 1, duration: 1, warmup: 0, connections: 1, seed: 0 };

const readOptions = () => {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: process.env.BENCH_ROUNDS ?? "4" },
      duration: { type: "string", default: process.env.BENCH_DURATION ?? "3" },
      warmup: { type: "string", default: process.env.BENCH_WARMUP ?? "1" },
      connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "10" },
      seed: { type: "string", default: process.env.BENCH_SEED ?? "200" },
    },
  });
  return Object.fromEntries(
    Object.entries(values).map(([name, text]) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < MINIMUM[name]) {
        throw new Error(`--${name} must be a whole number of at least ${MINIMUM[name]}, got "${text}"`);
      }
      return [name, value];
    }),
  );
};

// Every address is new: POST /users answers 409 for a taken email, and that would count as a non-2xx.
const runId = Date.now().toString(36);
let emailCounter = 0;
const newUserBody = () => JSON.stringify({ email: `bench-${runId}-${emailCounter++}@example.com`, name: "Bench User" });

const jsonPost = (path) => ({
  method: "POST",
  path,
  headers: { "content-type": "application/json" },
  setupRequest: (request) => ({ ...request, body: newUserBody() }),
});

// GETs run before POSTs so both reads see the same seeded table. `admin`: /users is for admins only, so those
// requests carry the run's access token; the raw-D1 baselines and /health are public.
const ROUTES = [
  { name: "GET /health", request: { method: "GET", path: "/health" } },
  { name: "GET /users", request: { method: "GET", path: "/users?limit=20" }, admin: true },
  { name: "GET /_bench/users", request: { method: "GET", path: "/_bench/users?limit=20" } },
  { name: "POST /users", request: jsonPost("/users"), admin: true },
  { name: "POST /_bench/users", request: jsonPost("/_bench/users") },
];

const bearer = (token) => ({ authorization: `Bearer ${token}` });

const AUTHENTICATION = "authentication (ES256 JWT verify + one session lookup)";
const COMPARISONS = [
  {
    route: "GET /users",
    baseline: "GET /_bench/users",
    meaning: `${AUTHENTICATION} + ORM + validation + envelope on a 20-row read`,
  },
  {
    route: "POST /users",
    baseline: "POST /_bench/users",
    meaning: `${AUTHENTICATION} + rate-limit binding call + ORM + validation + envelope on an insert (no Idempotency-Key is sent, so the idempotency middleware does nothing)`,
  },
  {
    route: "GET /health",
    baseline: "GET /_bench/users",
    meaning: "health (D1 ping + envelope) vs the raw 20-row read: the floor of a routed request with one query",
  },
];

/**
 * The repo's wrangler.jsonc for the bench, written into `dir`. Every rate limit is raised out of reach: the limiter is
 * still called on every write, so its cost stays in the figures, but at the real 60 writes a minute POST /users would
 * answer 429 within the first second of load. Relative paths are made absolute because wrangler resolves them against
 * the config file's directory; `$schema` (an editor hint with such a path) and `env` (wrangler dev serves the top
 * level) are left out.
 */
const writeBenchConfig = (dir) => {
  const { rawConfig } = experimental_readRawConfig({ config: join(repoRoot, "wrangler.jsonc") });
  const { $schema: _schema, env: _environments, ...config } = rawConfig;
  const fromRepo = (path) => resolve(repoRoot, path);
  const benchConfig = {
    ...config,
    main: fromRepo(config.main),
    // wrangler's default migrations_dir, "migrations", is relative too.
    d1_databases: config.d1_databases.map((db) => ({
      ...db,
      migrations_dir: fromRepo(db.migrations_dir ?? "migrations"),
    })),
    assets: { ...config.assets, directory: fromRepo(config.assets.directory) },
    ratelimits: config.ratelimits.map((limiter) => ({ ...limiter, simple: { ...limiter.simple, limit: 1_000_000 } })),
  };
  const path = join(dir, "wrangler.json");
  writeFileSync(path, `${JSON.stringify(benchConfig, null, 2)}\n`);
  return path;
};

/** Sizes of the modules `wrangler deploy` would upload (no network: --dry-run). */
const measureBundle = async () => {
  const outdir = mkdtempSync(join(tmpdir(), "experience-layer-bundle-"));
  try {
    const { stdout, stderr } = await execFileAsync(
      "npx",
      ["wrangler", "deploy", "--dry-run", "--outdir", outdir, "--env", "production"],
      { cwd: repoRoot, env: wranglerEnv(), maxBuffer: 16 * 1024 * 1024 },
    ).catch((error) => {
      throw new Error(`wrangler deploy --dry-run failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    // Source maps and wrangler's README are written next to the bundle but not uploaded.
    const modules = readdirSync(outdir)
      .filter((file) => !file.endsWith(".map") && file !== "README.md")
      .map((file) => {
        const bytes = readFileSync(join(outdir, file));
        return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
      });
    const upload = `${stdout}\n${stderr}`.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
    return {
      modules,
      bytes: modules.reduce((sum, module) => sum + module.bytes, 0),
      gzipBytes: modules.reduce((sum, module) => sum + module.gzipBytes, 0),
      wrangler: upload ? { uploadKiB: Number(upload[1]), gzipKiB: Number(upload[2]) } : null,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** One admin session for the whole run, so sign-in stays out of the figures; resolves its access token. */
const signInAsAdmin = async (url) => {
  const response = await fetch(`${url}/auth/dev/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-admin-${runId}@example.com`, role: "ADMIN" }),
  });
  const text = await response.text();
  const token = response.ok ? JSON.parse(text).data?.access_token : undefined;
  if (typeof token !== "string") throw new Error(`POST /auth/dev/sign-in answered ${response.status}: ${text}`);
  return token;
};

const seedUsers = async (url, token, count) => {
  const batch = 10;
  for (let start = 0; start < count; start += batch) {
    const posts = Array.from({ length: Math.min(batch, count - start) }, async () => {
      const response = await fetch(`${url}/users`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(token) },
        body: newUserBody(),
      });
      if (response.status !== 201)
        throw new Error(`seeding: POST /users answered ${response.status}: ${await response.text()}`);
    });
    await Promise.all(posts);
  }
};

/** Fails early if the baseline routes are not mounted, rather than benchmarking 404s. */
const checkBaseline = async (url, users) => {
  const response = await fetch(`${url}/_bench/users?limit=20`);
  const rows = response.ok ? await response.json() : null;
  if (!Array.isArray(rows) || rows.length !== Math.min(20, users)) {
    throw new Error(`GET /_bench/users answered ${response.status}; is BENCH_BASELINE honoured by src/routes/bench?`);
  }
};

const load = async (url, token, { request, admin }, connections, duration) => {
  const signed = admin ? { ...request, headers: { ...request.headers, ...bearer(token) } } : request;
  const result = await autocannon({ url, connections, duration, requests: [signed] });
  return {
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
  };
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** One route over all rounds: medians of the per-round figures, totals of the counts. */
const summarize = (name, rounds) => ({
  name,
  requestsPerSec: median(rounds.map((r) => r.requestsPerSec)),
  latencyP50Ms: median(rounds.map((r) => r.latencyP50Ms)),
  latencyP99Ms: median(rounds.map((r) => r.latencyP99Ms)),
  requests: rounds.reduce((sum, r) => sum + r.requests, 0),
  non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  errors: rounds.reduce((sum, r) => sum + r.errors, 0),
  statusCodes: rounds.reduce((all, r) => {
    for (const [code, count] of Object.entries(r.statusCodes)) all[code] = (all[code] ?? 0) + count;
    return all;
  }, {}),
  rounds,
});

/** Ratio of a figure of `route` to `baseline`, per round (same moment), as median and range. */
const ratio = (route, baseline, figure) => {
  const perRound = route.rounds.map((r, i) => r[figure] / baseline.rounds[i][figure]);
  return { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound) };
};

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const range = ({ median: m, min, max }) => `${fixed(m, 2)}× (${fixed(min, 2)}–${fixed(max, 2)})`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const report = ({ options, routes, comparisons, bundle, failures }) => {
  const lines = [
    `## Benchmark: wrangler dev on 127.0.0.1, ${options.connections} connections, ${options.rounds} interleaved rounds of ${options.duration}s per route`,
    "",
    "Per route: medians over the rounds.",
    "",
    "| Route | Req/s | p50 ms | p99 ms | Requests | Non-2xx | Errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...routes.map(
      (r) =>
        `| ${r.name} | ${fixed(r.requestsPerSec, 0)} | ${fixed(r.latencyP50Ms, 0)} | ${fixed(r.latencyP99Ms, 0)} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
    ),
    "",
    "Ratios are route ÷ baseline within each round, as median (min–max over rounds): req/s below 1× and latency",
    "above 1× mean the route costs more.",
    "",
    "| Route vs baseline | Req/s | p50 | p99 | What the difference is |",
    "| --- | ---: | ---: | ---: | --- |",
    ...comparisons.map(
      (c) =>
        `| ${c.route} vs ${c.baseline} | ${range(c.requestsPerSec)} | ${range(c.latencyP50)} | ${range(c.latencyP99)} | ${c.meaning} |`,
    ),
    "",
    `### Worker bundle (wrangler deploy --dry-run --env production): ${kib(bundle.bytes)}, gzip ${kib(bundle.gzipBytes)}`,
    "",
    "| Module | Size | gzip |",
    "| --- | ---: | ---: |",
    ...bundle.modules.map((m) => `| ${m.file} | ${kib(m.bytes)} | ${kib(m.gzipBytes)} |`),
    "",
    bundle.wrangler
      ? `wrangler reports: Total Upload ${bundle.wrangler.uploadKiB} KiB / gzip ${bundle.wrangler.gzipKiB} KiB.`
      : "wrangler printed no 'Total Upload' line.",
  ];
  if (failures.length > 0) {
    lines.push("", "**THESE RESULTS ARE NOT VALID: some requests failed.**", "", ...failures.map((f) => `- ${f}`));
  }
  console.log(lines.join("\n"));
};

const main = async () => {
  const options = readOptions();
  log(`options: ${JSON.stringify(options)}`);

  log("measuring the deploy bundle (wrangler deploy --dry-run)…");
  const bundle = await measureBundle();

  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-bench-"));
  const removeConfigDir = () => rmSync(configDir, { recursive: true, force: true });
  const configPath = writeBenchConfig(configDir);
  log(`starting wrangler dev with BENCH_BASELINE=true and rate limits raised (${configPath})…`);
  // A day-long access token (the most the contract allows): a long run would outlast the default 15 minutes.
  const server = await startDevServer({
    configPath,
    vars: { BENCH_BASELINE: "true", ACCESS_TOKEN_TTL_SECONDS: "86400" },
  }).catch((error) => {
    removeConfigDir();
    throw error;
  });
  const stop = () => server.stop().finally(removeConfigDir);
  // Ctrl-C would otherwise leave the temporary directories behind.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => stop().finally(() => process.exit(128 + constants.signals[signal])));
  }

  const samples = new Map(ROUTES.map(({ name }) => [name, []]));
  try {
    log(`${server.url} is up; signing in as an admin, seeding ${options.seed} users through POST /users…`);
    const token = await signInAsAdmin(server.url);
    await seedUsers(server.url, token, options.seed);
    // The admin who signed in is a user too.
    await checkBaseline(server.url, options.seed + 1);

    if (options.warmup > 0) {
      log(`warming up each route for ${options.warmup}s…`);
      for (const route of ROUTES) await load(server.url, token, route, options.connections, options.warmup);
    }
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so no route is always measured first or last.
      const order = ROUTES.map((_, i) => ROUTES[(i + round) % ROUTES.length]);
      log(`round ${round + 1}/${options.rounds}: ${order.map((r) => r.name).join(", ")}, ${options.duration}s each…`);
      for (const route of order) {
        samples.get(route.name).push(await load(server.url, token, route, options.connections, options.duration));
      }
    }
  } catch (error) {
    console.error(`wrangler dev output (last 4000 characters):\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    await stop();
  }

  const routes = ROUTES.map(({ name }) => summarize(name, samples.get(name)));
  const byName = new Map(routes.map((route) => [route.name, route]));
  const comparisons = COMPARISONS.map(({ route, baseline, meaning }) => {
    const [r, b] = [byName.get(route), byName.get(baseline)];
    return {
      route,
      baseline,
      meaning,
      requestsPerSec: ratio(r, b, "requestsPerSec"),
      latencyP50: ratio(r, b, "latencyP50Ms"),
      latencyP99: ratio(r, b, "latencyP99Ms"),
    };
  });
  const failures = routes
    .filter((r) => r.non2xx > 0 || r.errors > 0 || r.requests === 0)
    .map(
      (r) =>
        `${r.name}: ${r.requests} requests, ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`,
    );

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? "unknown", node: process.version },
    options,
    routes,
    comparisons,
    bundle,
    failures,
  };
  report(results);
  const resultsDir = join(repoRoot, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  log("wrote bench/results/latest.json");
  if (failures.length > 0) {
    log(`FAILED: ${failures.length} route(s) had non-2xx responses or errors; see the report above.`);
    process.exitCode = 1;
  }
};

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});

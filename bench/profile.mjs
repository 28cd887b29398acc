// Where one request's time goes: each route below is called one request at a time (no load) against `wrangler dev`,
// and each answer's Server-Timing (`auth`: credentials; `ratelimit`: the limiter; `db`: time waiting on D1 and the
// statements run; `total`: the worker's whole handling) is set against the latency the client saw. workerd's clock
// moves only across I/O, so these time waits: the worker's CPU work (token verification, validation, the ORM's
// JavaScript, JSON) shows up beyond `total`, with wrangler dev's proxy and loopback; the real route against its twin
// tells that CPU work apart.
//
//   npm run bench:profile -- [--requests 200]
//
// Prints a markdown table (medians); bench/README.md quotes it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../test/e2e/support/dev-server.ts";
import { bearer, call, log, median, runId, signInAsAdmin, writeBenchConfig } from "./common.mjs";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" } } });
const REQUESTS = Number(values.requests);
if (!Number.isInteger(REQUESTS) || REQUESTS < 5) throw new Error(`--requests must be a whole number ≥ 5`);

/** `name;dur=1.5;desc="D1, 2 statements"` entries of a Server-Timing header, by name (descriptions hold commas). */
const serverTiming = (header) => {
  const metrics = {};
  for (const [, name, ms, description] of (header ?? "").matchAll(/(\w+);dur=([\d.]+)(?:;desc="([^"]*)")?/g)) {
    metrics[name] = { ms: Number(ms), statements: Number(/(\d+) statement/.exec(description ?? "")?.[1] ?? 0) };
  }
  return metrics;
};

const profile = async (url, token, { name, method = "GET", path, body }) => {
  const samples = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? bearer(token) : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body()) : undefined,
    });
    await response.arrayBuffer();
    const client = performance.now() - started;
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    const metrics = serverTiming(response.headers.get("server-timing"));
    samples.push({
      client,
      total: metrics.total?.ms ?? Number.NaN,
      auth: metrics.auth?.ms ?? 0,
      ratelimit: metrics.ratelimit?.ms ?? 0,
      db: metrics.db?.ms ?? 0,
      statements: metrics.db?.statements ?? 0,
    });
  }
  const of = (key) => median(samples.map((s) => s[key]));
  const [client, total, auth, ratelimit, db] = ["client", "total", "auth", "ratelimit", "db"].map(of);
  const rest = total - auth - ratelimit - db;
  return { name, client, outside: client - total, total, auth, ratelimit, db, rest, statements: of("statements") };
};

const main = async () => {
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-profile-"));
  const server = await startDevServer({
    configPath: writeBenchConfig(configDir),
    vars: { ACCESS_TOKEN_TTL_SECONDS: "86400" },
  }).catch((error) => {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  });
  try {
    const token = await signInAsAdmin(server.url);
    const thread = await call(server.url, token, "POST", "/threads", {
      title: "profile",
      messages: Array.from({ length: 20 }, (_, i) => ({ text: `Message ${i} of the profile thread` })),
    });
    let n = 0;
    const message = () => ({ text: `Profile message ${n++} of run ${runId}` });
    const routes = [
      { name: "GET /health/live (no D1, no auth)", path: "/health/live" },
      { name: "GET /_bench/users (twin: D1 only)", path: "/_bench/users?limit=20" },
      { name: "GET /users?limit=20", path: "/users?limit=20" },
      { name: "GET /threads/{id}/messages?limit=20", path: `/threads/${thread.data.id}/messages?limit=20` },
      {
        name: "POST /_bench/threads/{id}/messages (twin)",
        method: "POST",
        path: `/_bench/threads/${thread.data.id}/messages`,
        body: message,
      },
      {
        name: "POST /threads/{id}/messages",
        method: "POST",
        path: `/threads/${thread.data.id}/messages`,
        body: message,
      },
    ];
    const rows = [];
    for (const route of routes) {
      log(`${route.name}: ${REQUESTS} requests, one at a time…`);
      rows.push(await profile(server.url, route.path.startsWith("/_bench") ? null : token, route));
    }
    const ms = (value) => (Number.isFinite(value) ? value.toFixed(1) : "n/a");
    console.log(
      [
        `Medians of ${REQUESTS} sequential requests per route, ms. workerd's clock moves only across I/O, so Server-Timing`,
        "times waits (D1, the rate limiter); CPU work (token verification, validation, JSON) is counted in `Beyond total`.",
        "",
        "| Route | Client saw | Beyond `total` | Worker `total` | `auth` | `ratelimit` | `db` (statements) | Rest of `total` |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows.map(
          (r) =>
            `| ${r.name} | ${ms(r.client)} | ${ms(r.outside)} | ${ms(r.total)} | ${ms(r.auth)} | ${ms(r.ratelimit)} | ${ms(r.db)} (${r.statements}) | ${ms(r.rest)} |`,
        ),
      ].join("\n"),
    );
  } finally {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
};

main().catch((error) => {
  console.error(`[profile] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});

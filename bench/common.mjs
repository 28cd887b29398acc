// What the bench scripts share: the generated wrangler config with rate limits out of reach, the
// admin sign-in, a checked API call, and the dev server's resident memory.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { repoRoot } from "../test/e2e/support/dev-server.ts";

export const log = (message) => console.error(`[bench] ${message}`);

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Unique per run, for email addresses and texts. */
export const runId = Date.now().toString(36);

/**
 * Resident memory (bytes) of the workerd processes in wrangler's process group `groupId` (the dev server's pid):
 * workerd's isolates report no heap of their own (`process.memoryUsage()` answers zeros there), so this is the
 * measure of what a request holds — an upper bound, as it also counts workerd's buffers and unswept garbage.
 */
export const workerdRss = (groupId) =>
  execFileSync("ps", ["-eo", "pgid=,rss=,comm="], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid, , command]) => Number(pgid) === groupId && command?.startsWith("workerd"))
    .reduce((sum, [, rss]) => sum + Number(rss) * 1024, 0);

/**
 * CPU time (ms, user and system) the workerd processes of wrangler's process group `groupId` have used so far, from
 * /proc (Linux; clock ticks of 10 ms). workerd runs a worker's JavaScript and the local bindings on one thread, so
 * under load its CPU per request is what limits the rate.
 */
export const workerdCpuMs = (groupId) =>
  execFileSync("ps", ["-eo", "pid=,pgid=,comm="], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid, command]) => Number(pgid) === groupId && command?.startsWith("workerd"))
    .reduce((sum, [pid]) => {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return sum + (Number(fields[11]) + Number(fields[12])) * 10;
    }, 0);

export const bearer = (token) => ({ authorization: `Bearer ${token}` });

/**
 * The repo's wrangler.jsonc for the bench, written into `dir`, serving the bench's own worker (bench/worker.ts: the
 * service plus the raw-D1 twins under /_bench/, with the same bindings). Every rate limit is raised out of reach:
 * the limiter is still called on every write, so its cost stays in the figures, but at the real 60 writes a minute
 * POST /users would answer 429 within the first second of load. The JSON-body limit is raised for the twin of
 * `POST /files` (the service's uploads are exempt from it). Relative paths are made absolute because wrangler
 * resolves them against the config file's directory; `$schema` (an editor hint with such a path) and `env`
 * (wrangler dev serves the top level) are left out.
 */
export const writeBenchConfig = (dir) => {
  const { rawConfig } = experimental_readRawConfig({ config: join(repoRoot, "wrangler.jsonc") });
  const { $schema: _schema, env: _environments, ...config } = rawConfig;
  const fromRepo = (path) => resolve(repoRoot, path);
  const benchConfig = {
    ...config,
    main: fromRepo("bench/worker.ts"),
    // wrangler's default migrations_dir, "migrations", is relative too.
    d1_databases: config.d1_databases.map((db) => ({
      ...db,
      migrations_dir: fromRepo(db.migrations_dir ?? "migrations"),
    })),
    assets: { ...config.assets, directory: fromRepo(config.assets.directory) },
    // The module stubs (scripts/stubs/) are named relative to the repository's config.
    alias: Object.fromEntries(Object.entries(config.alias ?? {}).map(([name, path]) => [name, fromRepo(path)])),
    ratelimits: config.ratelimits.map((limiter) => ({ ...limiter, simple: { ...limiter.simple, limit: 1_000_000 } })),
    vars: { ...config.vars, MAX_BODY_BYTES: String(16 * 1024 * 1024) },
  };
  const path = join(dir, "wrangler.json");
  writeFileSync(path, `${JSON.stringify(benchConfig, null, 2)}\n`);
  return path;
};

/** A dev sign-in (`name` makes the address) as this role; resolves the access token. */
export const signIn = async (url, name, role) => {
  const response = await fetch(`${url}/auth/dev/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-${name}-${runId}@example.com`, role }),
  });
  const text = await response.text();
  const token = response.ok ? JSON.parse(text).data?.access_token : undefined;
  if (typeof token !== "string") throw new Error(`POST /auth/dev/sign-in answered ${response.status}: ${text}`);
  return token;
};

/** One admin session for the whole run, so sign-in stays out of the figures; resolves its access token. */
export const signInAsAdmin = (url) => signIn(url, "admin", "ADMIN");

/** A call to the API (as the admin when `token` is given) that must answer 2xx; resolves the parsed JSON, if any. */
export const call = async (url, token, method, path, body) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? bearer(token) : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 2000)}`);
  return text === "" ? null : JSON.parse(text);
};

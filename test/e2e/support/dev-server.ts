import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { generateKeyring, generateSigningKeys } from "../../../scripts/signing-keys.mjs";

// Shared by test/e2e/global-setup.ts and bench/run.mjs (which imports this file through Node's type stripping),
// so keep to erasable TypeScript syntax.

export const repoRoot = join(import.meta.dirname, "..", "..", "..");

export interface DevServerOptions {
  /** Extra `--var NAME:value` pairs, e.g. `{ STREAM_HEARTBEAT_SECONDS: "1" }`. */
  vars?: Record<string, string>;
  /** How long to wait for GET /health to answer 200. */
  readyTimeoutMs?: number;
  /** Wrangler config for both the migrations and `wrangler dev` (`--config`); the repo's wrangler.jsonc if unset. */
  configPath?: string;
}

export interface DevServer {
  url: string;
  /** wrangler's process id, which is also its process group's (workerd's included): for measuring it. */
  pid: number;
  /** Everything wrangler printed so far. */
  output: () => string;
  /** Stops wrangler (the whole process group) and deletes the temporary state. Safe to call twice. */
  stop: () => Promise<void>;
}

const execFileAsync = promisify(execFile);

/**
 * The environment wrangler runs with. vitest sets NODE_ENV=test, and wrangler would bundle that into the worker
 * as process.env.NODE_ENV; a developer's shell has none. Metrics are off because there is no network to send them to.
 */
export const wranglerEnv = (): NodeJS.ProcessEnv => {
  const { NODE_ENV: _ignored, ...env } = process.env;
  return { ...env, WRANGLER_SEND_METRICS: "false" };
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
};

const isHealthy = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
};

/**
 * Starts the real service like `npm run dev` does (migrate the local D1, then `wrangler dev`), but on a free
 * loopback port with its own temporary state directory, and resolves once GET /health answers 200.
 */
export const startDevServer = async ({
  vars = {},
  readyTimeoutMs = 60_000,
  configPath,
}: DevServerOptions = {}): Promise<DevServer> => {
  const dir = mkdtempSync(join(tmpdir(), "experience-layer-e2e-"));
  const state = join(dir, "state");
  const logFile = join(dir, "wrangler.log");
  const env = wranglerEnv();
  const output = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const configArgs = configPath === undefined ? [] : ["--config", configPath];
  let child: ChildProcess | undefined;

  // Synchronous, so it also runs when the parent exits without awaiting stop(): no orphaned workerd.
  const killOnExit = () => {
    if (child?.pid) signalGroup(child.pid, "SIGKILL");
  };
  const stop = async () => {
    process.off("exit", killOnExit);
    const pid = child?.pid;
    if (pid && groupAlive(pid)) {
      signalGroup(pid, "SIGTERM");
      const deadline = Date.now() + 5_000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      signalGroup(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    try {
      await execFileAsync(
        "npx",
        ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state, ...configArgs],
        { cwd: repoRoot, env },
      );
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`wrangler d1 migrations apply failed:\n${stdout}\n${stderr}`);
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // A signing key, a download-link key and a webhook-secret key of its own (as .dev.vars would give `npm run dev`), whatever the developer's .dev.vars holds.
    const allVars = {
      JWT_SIGNING_KEYS: await generateSigningKeys("e2e"),
      DOWNLOAD_URL_KEYS: generateKeyring("e2e"),
      WEBHOOK_SECRET_KEYS: generateKeyring("e2e"),
      ...vars,
    };
    const varArgs = Object.entries(allVars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
    // Output goes to a file rather than a pipe: under load wrangler logs every request, and nobody has to drain it.
    const log = openSync(logFile, "w");
    child = spawn(
      "npx",
      [
        "wrangler",
        "dev",
        "--port",
        String(port),
        "--ip",
        "127.0.0.1",
        "--persist-to",
        state,
        "--show-interactive-dev-session=false",
        // The API first (it is the one served on the port), then the MCP and chat workers behind its bindings.
        "--config",
        configPath ?? "wrangler.jsonc",
        "--config",
        "src/mcp/wrangler.jsonc",
        "--config",
        "src/chat/wrangler.jsonc",
        ...varArgs,
      ],
      // detached: its own process group, so stop() also reaches workerd and esbuild behind npx.
      { cwd: repoRoot, env, detached: true, stdio: ["ignore", log, log] },
    );
    closeSync(log);
    process.on("exit", killOnExit);
    let exited = false;
    const onExit = () => {
      exited = true;
    };
    child.once("exit", onExit).once("error", onExit);

    const deadline = Date.now() + readyTimeoutMs;
    while (!(await isHealthy(url))) {
      if (exited) throw new Error(`wrangler dev exited before GET /health answered 200:\n${output()}`);
      if (Date.now() > deadline) {
        throw new Error(
          `GET ${url}/health did not answer 200 within ${readyTimeoutMs} ms. wrangler printed:\n${output()}`,
        );
      }
      await sleep(250);
    }
    return { url, pid: child.pid ?? 0, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

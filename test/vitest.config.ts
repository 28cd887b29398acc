import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { generateKeyring, generateSigningKeys } from "../scripts/signing-keys.mjs";

const root = join(import.meta.dirname, "..");

/**
 * A companion worker (src/mcp, src/chat), built by wrangler as `npm run deploy` would, to run beside the API as
 * an auxiliary worker: the API's service binding reaches it by name.
 */
const buildWorker = (name: string) => {
  const outdir = mkdtempSync(join(tmpdir(), `experience-layer-${name}-`));
  execFileSync(
    "npx",
    ["wrangler", "deploy", "--config", `src/${name}/wrangler.jsonc`, "--dry-run", "--outdir", outdir],
    {
      cwd: root,
      stdio: "ignore",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  // As source, not `scriptPath`: the pool fails to start an auxiliary worker given by path (an internal error).
  return readFileSync(join(outdir, "index.js"), "utf8");
};

/** What the pool names the worker under test (its configured name is replaced), for the companions' API binding. */
const RUNNER_NAME = "vitest-plugin-runner-";

// Unit and integration tests run inside workerd with the real bindings of wrangler.jsonc (local D1,
// R2, Durable Objects) and the real migrations/ folder, applied by test/support/apply-migrations.ts.
export default defineConfig(async () => ({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: join(root, "wrangler.jsonc") },
      miniflare: {
        workers: [
          {
            name: "experience-layer-mcp",
            modules: true,
            script: buildWorker("mcp"),
            compatibilityDate: "2026-11-01",
            compatibilityFlags: ["no_nodejs_compat"],
            serviceBindings: { API: RUNNER_NAME },
          },
          {
            name: "experience-layer-chat",
            modules: true,
            script: buildWorker("chat"),
            compatibilityDate: "2026-11-01",
            compatibilityFlags: ["no_nodejs_compat"],
            serviceBindings: { API: RUNNER_NAME },
            // Tests of "no reply" wait 2 s, not a minute.
            bindings: { CHAT_REPLY_WAIT_SECONDS: "2" },
          },
        ],
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(join(root, "migrations")),
          // A fresh signing key per run: tests never depend on a committed secret.
          JWT_SIGNING_KEYS: await generateSigningKeys("test"),
          DOWNLOAD_URL_KEYS: generateKeyring("test"),
          WEBHOOK_SECRET_KEYS: generateKeyring("test"),
          // 11 MiB instead of 25: the over-the-limit tests send 11 MiB, not 25, and a form file at the
          // limit still goes to R2 in three parts of a multipart upload (5 + 5 + 1 MiB).
          MAX_UPLOAD_BYTES: "11534336",
          // Live streams: heartbeats every second and small limits, so their tests run quickly.
          STREAM_HEARTBEAT_SECONDS: "1",
          STREAM_MAX_PER_HOLDER: "3",
          STREAM_MAX_PER_THREAD: "5",
          // Streamed replies time out after 2 s without a delta.
          MESSAGE_STREAM_IDLE_SECONDS: "2",
          // Google sign-in is configured but its provider is unreachable here (a closed local port,
          // never the internet); the full flow is tested in test/e2e against a local OIDC provider.
          GOOGLE_ISSUER: "http://127.0.0.1:9",
          GOOGLE_CLIENT_ID: "workers-tests.apps.googleusercontent.com",
          GOOGLE_CLIENT_SECRET: "workers-tests-secret",
        },
      },
    }),
  ],
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    setupFiles: ["test/support/apply-migrations.ts"],
    // The worker logs one JSON line per request; show logs only for failing tests.
    silent: "passed-only" as const,
    // The first request of a file compiles Prisma's query compiler (3-4 s on the 2-core CI machine,
    // more when it is busy): vitest's default of 5 s would fail whichever test comes first.
    testTimeout: 20_000,
  },
}));

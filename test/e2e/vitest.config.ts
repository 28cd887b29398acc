import { join } from "node:path";
import { defineConfig } from "vitest/config";

// End-to-end tests run in Node against a real `wrangler dev` that global-setup.ts starts, not in the workers pool.
export default defineConfig({
  root: join(import.meta.dirname, "..", ".."),
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    pool: "forks",
    // All files share the one server; running them one at a time keeps a 2-core machine responsive.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

// `prisma generate` offline. Prisma's CLI insists on having a schema-engine binary, which it would
// download; generating the client never runs it, so any existing executable satisfies the check
// (the schema engine's real work, migration SQL, is done by scripts/migrations.mjs with the wasm engine).
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
execFileSync(process.execPath, [join(root, "node_modules", "prisma", "build", "index.js"), "generate"], {
  cwd: root,
  stdio: "inherit",
  env: { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});

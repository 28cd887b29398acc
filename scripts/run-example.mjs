// Runs one of examples/ (TypeScript) with Node: bundled by esbuild into node_modules/.cache, so the SDK's source
// and its `.js` import specifiers resolve as a bundler resolves them, then imported. Usage: node
// scripts/run-example.mjs examples/agent/main.ts
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const entry = process.argv[2];
if (!entry) throw new Error("name the example to run, e.g. examples/agent/main.ts");
const cache = join(root, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "example-"));
const outfile = join(dir, "example.mjs");
await build({
  entryPoints: [resolve(root, entry)],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  logLevel: "error",
});
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
await import(pathToFileURL(outfile).href);

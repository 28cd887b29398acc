// Bundles a TypeScript entry for Node with esbuild, inside the project (node_modules/.cache) so the bundle's bare
// imports resolve from node_modules: how scripts/generate.mjs runs the app to emit the spec and
// scripts/run-example.mjs runs an example. Resolves the bundle's path and a function that deletes it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");

export const bundleForNode = async (entry, { external = [], prefix = "bundle-" } = {}) => {
  const cache = join(root, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, prefix));
  const outfile = join(dir, "bundle.mjs");
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      external,
      logLevel: "error",
    });
  } catch (error) {
    remove();
    throw error;
  }
  return { outfile, remove };
};

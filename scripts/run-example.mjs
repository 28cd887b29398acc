// Runs one of examples/ (TypeScript) with Node: bundled by esbuild (./bundle-for-node.mjs), so the SDK's source
// and its `.js` import specifiers resolve as a bundler resolves them, then imported. Usage: node
// scripts/run-example.mjs examples/agent/main.ts
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleForNode } from "./bundle-for-node.mjs";

const entry = process.argv[2];
if (!entry) throw new Error("name the example to run, e.g. examples/agent/main.ts");
const { outfile, remove } = await bundleForNode(resolve(import.meta.dirname, "..", entry), { prefix: "example-" });
process.once("exit", remove);
await import(pathToFileURL(outfile).href);

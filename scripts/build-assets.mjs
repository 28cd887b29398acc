// Copies Scalar's standalone API-reference bundle into the Workers static assets folder, so /docs
// needs no CDN. Run before dev, test, deploy and bench (see package.json).
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const scalarDir = join(import.meta.dirname, "..", "node_modules", "@scalar", "api-reference");
const target = join(import.meta.dirname, "..", "dist", "assets", "docs");
mkdirSync(target, { recursive: true });
copyFileSync(join(scalarDir, "dist", "browser", "standalone.js"), join(target, "scalar.js"));

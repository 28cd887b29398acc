// The worker's static assets: Scalar's standalone API-reference bundle, so /docs needs no CDN, and the guides the
// contract's description is made of (scripts/guides.mjs). Run before dev, test, deploy and bench (see package.json).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { composeGuides } from "./guides.mjs";

const root = join(import.meta.dirname, "..");
const scalarDir = join(root, "node_modules", "@scalar", "api-reference");
const target = join(root, "dist", "assets", "docs");
mkdirSync(target, { recursive: true });
copyFileSync(join(scalarDir, "dist", "browser", "standalone.js"), join(target, "scalar.js"));
writeFileSync(join(target, "guides.md"), composeGuides(root));

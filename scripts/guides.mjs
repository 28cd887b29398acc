// The guides under docs/ that partners read, in the order the hosted reference shows them. They become the
// contract's `info.description` (scripts/emit-openapi.ts) and a static asset the worker serves it from at run time
// (scripts/build-assets.mjs), so /docs opens with them; `npm run check:generated` fails when the spec's copy is stale.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const GUIDES = [
  "getting-started",
  "authentication",
  "conversations",
  "files",
  "artifacts-and-interactions",
  "live-streams",
  "webhooks",
  "build-an-agent",
  "mcp",
  "chat-front-ends",
  "conventions",
  "operations",
];

/** The guides as one Markdown document: each guide's `#` heading is a top-level entry of the reference's sidebar. */
export const composeGuides = (root) =>
  GUIDES.map((name) =>
    readFileSync(join(root, "docs", `${name}.md`), "utf8")
      // Markers for the e2e suite (<!-- curl-examples:start -->) mean nothing to a reader.
      .replace(/<!--[\s\S]*?-->\n*/g, "")
      .trim(),
  ).join("\n\n");

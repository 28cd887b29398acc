// Contract stability: fails when openapi/openapi.json breaks the last released contract
// (openapi/released/<version>.json, the highest version there) without a new major API version.
// api-smart-diff classifies every change between the two documents (a removed operation, field,
// status or media type, an enum value removed from an input, a narrowed input, a new required
// input… are breaking); this script only decides what to do with its verdict.
//
//   node scripts/contract-diff.mjs          # exit 1 and list the breaking changes, if any
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { apiCompare } from "api-smart-diff";

const root = join(import.meta.dirname, "..");
export const releasedDir = join(root, "openapi", "released");

const semver = (version) => version.split(".").map(Number);
const newer = (a, b) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};

/** The last released contract: the highest version in openapi/released. */
export const lastReleased = (dir = releasedDir) => {
  const versions = readdirSync(dir)
    .filter((file) => /^\d+\.\d+\.\d+\.json$/.test(file))
    .map((file) => file.slice(0, -".json".length));
  const latest = versions.reduce(
    (best, version) => (best === undefined || newer(version, best) ? version : best),
    undefined,
  );
  if (latest === undefined) throw new Error(`no released contract in ${dir}`);
  return { version: latest, document: JSON.parse(readFileSync(join(dir, `${latest}.json`), "utf8")) };
};

const WIDER_BOUNDS = new Set(["maxItems", "maxLength", "maximum"]);

/**
 * What docs/conventions.md promises clients must take in their stride, though api-smart-diff calls it breaking:
 * in an answer, a new enum value, a new member of a union (a new event type) or a wider bound (a longer list).
 */
const widensAnAnswer = (diff) => {
  if (!diff.path.includes("responses")) return false;
  const [parent, key] = diff.path.slice(-2);
  if (diff.action === "add") return parent === "enum" || parent === "oneOf" || parent === "anyOf";
  return diff.action === "replace" && WIDER_BOUNDS.has(key) && diff.after > diff.before;
};

/**
 * The changes to operations that break a client of `released`. A removal and an addition of the same
 * value at the same place (api-smart-diff reads the `*\/*` media type as a pattern) are no change.
 */
export const breakingChanges = (released, current) => {
  const { diffs } = apiCompare(released, current);
  const same = (a, b) => a.path.join("\u0000") === b.path.join("\u0000");
  const noOp = (diff) =>
    diffs.some(
      (other) =>
        other !== diff &&
        same(other, diff) &&
        ((diff.action === "remove" && other.action === "add" && isDeepStrictEqual(diff.before, other.after)) ||
          (diff.action === "add" && other.action === "remove" && isDeepStrictEqual(diff.after, other.before))),
    );
  return diffs
    .filter((diff) => diff.type === "breaking" && diff.path[0] === "paths" && !noOp(diff) && !widensAnAnswer(diff))
    .map((diff) => ({ path: diff.path.slice(1).join(" → "), description: diff.description ?? diff.action }));
};

/** Breaking changes are allowed only with a new major version of the API. */
export const checkContract = (released, current) => {
  const breaking = breakingChanges(released.document, current);
  const majorBumped = semver(current.info.version)[0] > semver(released.version)[0];
  return { breaking, majorBumped, ok: breaking.length === 0 || majorBumped };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = JSON.parse(readFileSync(join(root, "openapi", "openapi.json"), "utf8"));
  const released = lastReleased();
  const { breaking, majorBumped, ok } = checkContract(released, current);
  const against = `openapi/openapi.json (${current.info.version}) against released ${released.version}`;
  if (breaking.length === 0) console.log(`${against}: no breaking change.`);
  else if (majorBumped)
    console.log(`${against}: ${breaking.length} breaking changes, allowed by the new major version.`);
  else {
    console.error(`${against}: ${breaking.length} breaking change(s) without a new major version:`);
    for (const change of breaking) console.error(`  - ${change.path}: ${change.description}`);
    console.error("Make the change additive, or bump API_VERSION's major (see README: API versioning).");
  }
  if (!ok) process.exit(1);
}

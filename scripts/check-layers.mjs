// Fails when an import in src/ or sdk/src/ runs against the layer order the README's Layout section gives, or
// when files (or folders) import each other in a circle. Type-only imports count: they tie modules together too.
// `npm run check` runs it; `node scripts/check-layers.mjs --graph` also prints every import.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = join(import.meta.dirname, "..");

/**
 * Floors of src/, bottom up: a file may import from its own floor or any floor below, never above. The first
 * prefix that matches a file's path (relative to src/) gives its floor. Keep in step with the README's Layout.
 */
const FLOORS = [
  ["env.ts", "logging.ts", "principal.ts"],
  ["http/", "schemas/", "openapi/", "features.ts"],
  ["wire/"],
  ["repositories/"],
  ["auth/"],
  ["middleware/"],
  ["realtime/", "files/", "previews/", "interactions/", "webhooks/", "housekeeping.ts"],
  ["routes/"],
  // worker-globals.d.ts types `cloudflare:workers` from what index.ts exports.
  ["app.ts", "index.ts", "worker-globals.d.ts"],
  // The companion workers (MCP, chat front-ends), entries of their own: they reach the API through a service
  // binding, not through imports.
  ["mcp/", "chat/"],
];

/** Generated code (Prisma's client, the SDK's types) is read like a library: not checked, not a floor. */
const GENERATED = ["src/generated/", "sdk/src/schema.d.ts"];

const sourceFiles = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;

const resolveImport = (from, specifier) => {
  if (!specifier.startsWith(".")) return null;
  // The SDK is built with tsc, so its imports name the emitted `.js` files.
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ""));
  for (const candidate of [base, `${base}.ts`, `${base}.d.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(root, from)}: cannot resolve "${specifier}"`);
};

const isGenerated = (file) => GENERATED.some((prefix) => relative(root, file).startsWith(prefix));

/** Every import between checked files of `dir`, as [from, to] paths relative to the repository. */
const importsOf = (dir) =>
  sourceFiles(join(root, dir))
    .filter((file) => !isGenerated(file))
    .flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(IMPORT)]
        .map((match) => resolveImport(file, match[1] ?? match[2]))
        .filter((target) => target !== null && !isGenerated(target))
        .map((target) => [relative(root, file), relative(root, target)]),
    );

/** Strongly connected components with more than one member (Tarjan), each sorted. */
const circles = (edges) => {
  const next = new Map();
  for (const [from, to] of edges) {
    if (from === to) continue;
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  let index = 0;
  const order = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    order.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!order.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), order.get(target)));
      }
    }
    if (low.get(node) === order.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!order.has(node)) visit(node);
  return found;
};

const floorOf = (file) => {
  const inSrc = relative(join(root, "src"), join(root, file)).replaceAll("\\", "/");
  const floor = FLOORS.findIndex((prefixes) => prefixes.some((prefix) => inSrc.startsWith(prefix)));
  if (floor === -1) throw new Error(`${file} is on no floor: add it to FLOORS in scripts/check-layers.mjs`);
  return floor;
};

const problems = [];
const srcEdges = importsOf("src");
const sdkEdges = importsOf("sdk/src");
for (const [from, to] of srcEdges) {
  if (floorOf(to) > floorOf(from))
    problems.push(`upward import: ${from} (floor ${floorOf(from)}) → ${to} (floor ${floorOf(to)})`);
}
for (const edges of [srcEdges, sdkEdges]) {
  for (const circle of circles(edges)) problems.push(`import circle of files: ${circle.join(" ↔ ")}`);
  // src/'s own files sit on different floors: each stands for itself, not for a folder.
  const folderOf = (file) => (dirname(file) === "src" ? file : dirname(file));
  const folders = edges.map(([from, to]) => [folderOf(from), folderOf(to)]);
  for (const circle of circles(folders)) problems.push(`import circle of folders: ${circle.join(" ↔ ")}`);
}

if (process.argv.includes("--graph"))
  for (const [from, to] of [...srcEdges, ...sdkEdges]) console.log(`${from} → ${to}`);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`\n${problems.length} layering problem(s): see the Layout section of README.md.`);
  process.exit(1);
}
console.log(`layers: ${srcEdges.length + sdkEdges.length} imports in src/ and sdk/src/, no circle, none upward`);

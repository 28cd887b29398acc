import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { repoRoot } from "./support/dev-server";

// The SDK as partners get it: `npm pack` of sdk/, unpacked into a scratch project that has nothing else of this
// repository — only the package's own dependencies (linked from node_modules: no download) — then imported by Node
// and type-checked by TypeScript.

let scratch: string;
let project: string;

/** The package's dependencies and theirs, as installed in the repository's node_modules. */
const dependencyClosure = (names: string[], seen = new Set<string>()): Set<string> => {
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8"));
    dependencyClosure(Object.keys(manifest.dependencies ?? {}), seen);
  }
  return seen;
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "sdk-package-"));
  // `prepare` builds dist/ first, as `npm publish` would.
  execFileSync("npm", ["pack", "--pack-destination", scratch], { cwd: join(repoRoot, "sdk"), stdio: "pipe" });
  const tarball = readdirSync(scratch).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  project = join(scratch, "project");
  const scope = join(project, "node_modules", "@experience-layer");
  mkdirSync(scope, { recursive: true });
  execFileSync("tar", ["-xzf", join(scratch, tarball), "-C", scope]);
  renameSync(join(scope, "package"), join(scope, "sdk"));
  const manifest = JSON.parse(readFileSync(join(scope, "sdk", "package.json"), "utf8"));
  for (const name of dependencyClosure(Object.keys(manifest.dependencies))) {
    mkdirSync(join(project, "node_modules", name, ".."), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules", name), join(project, "node_modules", name));
  }
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the packed SDK imports in plain Node and calls the service", () => {
  writeFileSync(
    join(project, "health.mjs"),
    `import { createClient, unwrap } from "@experience-layer/sdk";
const api = createClient({ baseUrl: process.argv[2] });
console.log(JSON.stringify(await unwrap(api.GET("/health"))));
`,
  );
  const output = execFileSync(process.execPath, ["health.mjs", inject("baseUrl")], { cwd: project, encoding: "utf8" });
  expect(JSON.parse(output)).toMatchObject({ status: "ok", features: { google_sign_in: { configured: false } } });
});

test("the packed SDK's types check a consumer's code, and refuse a path the API does not have", () => {
  writeFileSync(
    join(project, "consumer.ts"),
    `import { createClient, type RetryOptions, streamReply, subscribe, type Thread } from "@experience-layer/sdk";

const retry: RetryOptions = { maxRetries: 3 };
const api = createClient({ baseUrl: "http://localhost:8787", token: "key", retry });
export const titleOf = async (id: string): Promise<string | undefined> =>
  (await api.GET("/threads/{id}", { params: { path: { id } } })).data?.data.title;
export const status: Thread["status"] = "ARCHIVED";
export const follow = (id: string) => subscribe(api, id, { on: { "message.created": (event) => event.data.text } });
export const reply = (id: string, chunks: AsyncIterable<string>) => streamReply(api, id, chunks);
// @ts-expect-error: no such operation, so the types are really there (an any would accept it).
export const nothing = () => api.GET("/no-such-path");
`,
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        lib: ["ES2023", "DOM"],
        noEmit: true,
        skipLibCheck: true,
      },
      files: ["consumer.ts"],
    }),
  );
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const run = () => execFileSync(process.execPath, [tsc, "-p", project], { cwd: project, encoding: "utf8" });
  expect(run).not.toThrow();
});

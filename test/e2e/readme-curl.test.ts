import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, inject, test } from "vitest";
import { repoRoot } from "./support/dev-server";

const execFileAsync = promisify(execFile);
const README_ORIGIN = "http://localhost:8787";

/** The shell block between README.md's curl-examples markers, as a reader would paste it. */
const readmeScript = (): string => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = readme.match(/<!-- curl-examples:start -->([\s\S]*?)<!-- curl-examples:end -->/)?.[1];
  if (block === undefined) throw new Error("README.md has no <!-- curl-examples:start/end --> block");
  const script = block.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (script === undefined) throw new Error("README.md's curl-examples block has no ```sh fence");
  return script;
};

test("the README's curl examples work against the running service, as written", async () => {
  const email = `e2e-${randomUUID()}@example.com`;
  const admin = `e2e-admin-${randomUUID()}@example.com`;
  const script = readmeScript()
    .replaceAll(README_ORIGIN, inject("baseUrl"))
    // Fresh addresses each run, so reruns against the same database do not answer 409.
    .replace("ada@example.com", email)
    .replace("admin@example.com", admin);
  expect(script.match(/^curl /gm), "health, create user and list users are printed").toHaveLength(3);

  // curl prints no newline after a body; the wrapper adds one so each printed answer is one line.
  const { stdout } = await execFileAsync(
    "bash",
    ["-euo", "pipefail", "-c", `curl() { command curl "$@"; echo; }\n${script}`],
    {
      timeout: 30_000,
    },
  );
  const [health, created, listed, ...rest] = stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);

  expect(rest).toEqual([]);
  expect(health).toMatchObject({ success: true, data: { status: "ok" } });
  expect(created).toMatchObject({ success: true, data: { email, role: "USER" } });
  expect(listed).toMatchObject({ success: true, data: expect.arrayContaining([expect.objectContaining({ email })]) });
});

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, inject, test } from "vitest";
import { repoRoot } from "./support/dev-server";

const execFileAsync = promisify(execFile);
const README_ORIGIN = "http://localhost:8787";

/** The curl commands of README.md's curl-examples block, each joined onto one line. */
const readmeCurlCommands = (): string[] => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = readme.match(/<!-- curl-examples:start -->([\s\S]*?)<!-- curl-examples:end -->/)?.[1];
  if (block === undefined) throw new Error("README.md has no <!-- curl-examples:start/end --> block");
  const script = block.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (script === undefined) throw new Error("README.md's curl-examples block has no ```sh fence");
  return script
    .replaceAll("\\\n", " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("curl "));
};

/** Runs one command exactly as a reader would paste it into bash, and parses what curl printed. */
const runCurl = async (command: string): Promise<unknown> => {
  const { stdout, stderr } = await execFileAsync("bash", ["-c", command], { timeout: 15_000 });
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`\`${command}\` did not print JSON.\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
};

test("the README's curl examples work against the running service", async () => {
  const commands = readmeCurlCommands();
  expect(commands, "expected exactly three curl commands: health, create user, list users").toHaveLength(3);
  const [health = "", create = "", list = ""] = commands.map((command) =>
    command.replaceAll(README_ORIGIN, inject("baseUrl")),
  );

  const email = `e2e-${randomUUID()}@example.com`;
  const emailField = /("email"\s*:\s*")[^"]+"/;
  expect(create, "the create-user example should send an email").toMatch(emailField);
  // A fresh address each run, so reruns against the same database do not answer 409.
  const uniqueCreate = create.replace(emailField, (_field, prefix: string) => `${prefix}${email}"`);

  expect(await runCurl(health)).toMatchObject({ success: true, data: { status: "ok" } });

  const created = await runCurl(uniqueCreate);
  expect(created).toMatchObject({ success: true, data: { email, role: "USER" } });

  expect(await runCurl(list)).toMatchObject({
    success: true,
    data: expect.arrayContaining([expect.objectContaining({ email })]),
  });
});

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./dev-server";

const execFileAsync = promisify(execFile);

/** Where the README and the guides say the service runs. */
const DOCUMENTED_ORIGIN = "http://localhost:8787";

/** The ```sh blocks of a Markdown file (relative to the repository), in order, as a reader would paste them. */
export const shellBlocks = (file: string, between?: { start: string; end: string }): string[] => {
  let text = readFileSync(join(repoRoot, file), "utf8");
  if (between) {
    const start = text.indexOf(between.start);
    const end = text.indexOf(between.end, start);
    if (start === -1 || end === -1) throw new Error(`${file} has no ${between.start} … ${between.end} section`);
    text = text.slice(start, end);
  }
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
};

/**
 * The curl the blocks run: each call from the given client address (sign-in is limited per address, and every
 * file signs in), failing on an HTTP error unless the call prints its own status (`-w`), a live stream (`-N`)
 * cut after a few seconds if it sets no `--max-time` of its own, and a newline after each answer so every
 * printed answer is one line. `expect_status` checks a printed status against the block's `# → 412` comment.
 */
const prelude = (clientIp: string) => `
curl() {
  local extra=(-H "CF-Connecting-IP: ${clientIp}") streaming=no
  [[ " $* " == *" -w "* ]] || extra+=(--fail-with-body)
  if [[ " $* " =~ \\ -[a-zA-Z]*N ]]; then streaming=yes; [[ " $* " == *"--max-time"* ]] || extra+=(--max-time 3); fi
  local status=0
  command curl "\${extra[@]}" "$@" || status=$?
  echo
  # A live stream ends by the clock: curl's 28.
  if [[ $streaming == yes && $status == 28 ]]; then return 0; fi
  return $status
}
expect_status() {
  local printed
  printed=$(cat)
  if [[ "$printed" != "$1" ]]; then echo "expected HTTP $1, got $printed" >&2; return 1; fi
  echo "$printed"
}
`;

/** `… # → 412` at the end of a command becomes `… | expect_status 412`: the status it prints is checked. */
const withStatusChecks = (script: string) => script.replace(/\s*#\s*→\s*(\d{3})\s*$/gm, " | expect_status $1");

/**
 * Runs shell blocks in one bash (`set -euo pipefail`) against `baseUrl`: every `something@example.com` made unique
 * to this run (the database is shared by the whole suite), in a scratch directory for files the blocks make.
 * Resolves what the blocks printed; rejects with it when a command failed.
 */
export const runShellBlocks = async (
  blocks: string[],
  baseUrl: string,
  options: { cwd: string; timeoutMs?: number },
) => {
  const run = randomUUID().slice(0, 8);
  const script = withStatusChecks(blocks.join("\n"))
    .replaceAll(DOCUMENTED_ORIGIN, baseUrl)
    .replace(/\b([a-z][a-z0-9.-]*)@example\.com\b/g, `$1-${run}@example.com`);
  const clientIp = `2001:db8::${run.slice(0, 4)}:${run.slice(4, 8)}`;
  try {
    const { stdout } = await execFileAsync("bash", ["-euo", "pipefail", "-c", `${prelude(clientIp)}\n${script}`], {
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, run };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${failed.message}\n--- stdout ---\n${failed.stdout ?? ""}\n--- stderr ---\n${failed.stderr ?? ""}`,
    );
  }
};

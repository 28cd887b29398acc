import { spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, repoRoot } from "./dev-server";

export interface PrismProxy {
  url: string;
  /** Everything Prism printed so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Stoplight Prism in proxy mode in front of `upstream`: it forwards each request, checks the request and
 * the upstream's response against openapi/openapi.json, and reports what does not match in an
 * `sl-violations` response header (without `--errors` it changes nothing else).
 */
export const startPrismProxy = async (upstream: string, readyTimeoutMs = 60_000): Promise<PrismProxy> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    join(repoRoot, "node_modules", ".bin", "prism"),
    // `--cors false`: the service's own CORS headers pass through; Prism's (`*`) would not be the service's answer.
    [
      "proxy",
      join(repoRoot, "openapi", "openapi.json"),
      upstream,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--cors",
      "false",
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let printed = "";
  const collect = (chunk: Buffer) => {
    printed += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (!printed.includes("Prism is listening")) {
    if (child.exitCode !== null) throw new Error(`Prism exited before listening:\n${printed}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prism did not start within ${readyTimeoutMs} ms:\n${printed}`);
    }
    await sleep(100);
  }
  return { url, output: () => printed, stop };
};

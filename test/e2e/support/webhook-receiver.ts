import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request the receiver got: its path, headers and raw body, and whether its signature verified. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  status: number;
}

/**
 * A webhook receiver as an agent would run one: Node's `http` on loopback, verifying every request with the
 * `standardwebhooks` package against the secret registered for its path. `answer(path)` decides the status
 * of each request (204 unless told), so a test can make a receiver fail, then recover.
 */
export const startReceiver = async () => {
  const received: Received[] = [];
  const secrets = new Map<string, string[]>();
  const answers = new Map<string, (count: number) => number>();
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      const verified = (secrets.get(path) ?? []).some((secret) => {
        try {
          new Webhook(secret).verify(body, request.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      });
      const count = received.filter((entry) => entry.path === path).length;
      const status = verified ? (answers.get(path)?.(count) ?? 204) : 400;
      received.push({ path, headers: request.headers, body, verified, status });
      response.writeHead(status).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    /** The secrets a path's requests verify against (several during a rotation test). */
    expect: (path: string, ...pathSecrets: string[]) => secrets.set(path, pathSecrets),
    answer: (path: string, status: (count: number) => number) => answers.set(path, status),
    /** Waits until `done()` holds, checked on every request, or fails after `timeoutMs`. */
    until: (done: () => boolean, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (done()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver waited ${timeoutMs} ms in vain (${received.length} requests so far)`));
        }, timeoutMs);
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

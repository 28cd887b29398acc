// What a tool call costs against the REST call it makes, under `wrangler dev` (both workers): interleaved rounds of
//
//   GET /threads/{id}                 vs  POST /mcp  tools/call get_thread
//   POST /threads/{id}/messages       vs  POST /mcp  tools/call create_message
//
// A tool call is the API's POST /mcp (credentials, read limiter) handing the request to the MCP worker over its
// service binding, which makes the operation on the API over its own binding: the REST call is the baseline,
// measured in the same run. Medians of req/s and latency; the ratio's median and range over the rounds.
//
//   npm run bench:mcp -- [--rounds 4] [--duration 3] [--connections 10]
//
// Prints a markdown table; bench/README.md quotes it.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startDevServer } from "../test/e2e/support/dev-server.ts";
import { bearer, call, log, median, signInAsAdmin, writeBenchConfig } from "./common.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "4" },
    duration: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
  },
});
const [ROUNDS, DURATION, CONNECTIONS] = [values.rounds, values.duration, values.connections].map(Number);
if (![ROUNDS, DURATION, CONNECTIONS].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error("--rounds, --duration and --connections must be whole numbers of at least 1");
}

const toolCall = (name, args) =>
  JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } });

/** One autocannon run; fails on any non-2xx answer or a tool error (a 200 whose result says isError). */
const load = async (url, request) => {
  let toolErrors = 0;
  const result = await autocannon({
    url: `${url}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: CONNECTIONS,
    duration: DURATION,
    setupClient: (client) => {
      client.on("body", (body) => {
        if (request.mcp && body.includes('"isError":true')) toolErrors++;
      });
    },
  });
  const failed = result.non2xx + result.errors + toolErrors;
  if (failed > 0) throw new Error(`${request.name}: ${failed} failed requests (${toolErrors} tool errors)`);
  return { requestsPerSec: result.requests.average, p50Ms: result.latency.p50 };
};

const main = async () => {
  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-mcp-"));
  const server = await startDevServer({ configPath: writeBenchConfig(configDir) });
  try {
    const token = await signInAsAdmin(server.url);
    const me = (await call(server.url, token, "GET", "/me")).data;
    const thread = (await call(server.url, token, "POST", "/threads", { title: "bench mcp", owner_id: me.id })).data;
    const json = { ...bearer(token), "content-type": "application/json" };
    const pairs = [
      {
        what: "read a thread",
        rest: { name: "GET /threads/{id}", method: "GET", path: `/threads/${thread.id}`, headers: bearer(token) },
        mcp: {
          name: "tools/call get_thread",
          method: "POST",
          path: "/mcp",
          headers: json,
          body: toolCall("get_thread", { id: thread.id }),
          mcp: true,
        },
      },
      {
        what: "post a message",
        rest: {
          name: "POST /threads/{id}/messages",
          method: "POST",
          path: `/threads/${thread.id}/messages`,
          headers: json,
          body: JSON.stringify({ text: "bench" }),
        },
        mcp: {
          name: "tools/call create_message",
          method: "POST",
          path: "/mcp",
          headers: json,
          body: toolCall("create_message", { id: thread.id, text: "bench" }),
          mcp: true,
        },
      },
    ];
    // Warm both workers' isolates (and Prisma's query compiler) outside the figures.
    for (const pair of pairs) for (const request of [pair.rest, pair.mcp]) await load(server.url, request);
    const rounds = pairs.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, pair] of pairs.entries()) {
        const rest = await load(server.url, pair.rest);
        const mcp = await load(server.url, pair.mcp);
        rounds[index].push({ rest, mcp });
        log(`round ${round + 1}: ${pair.what} REST ${rest.requestsPerSec} req/s, MCP ${mcp.requestsPerSec} req/s`);
      }
    }
    const fixed = (n, digits = 2) => n.toFixed(digits);
    const lines = [
      `MCP tool calls against their REST calls: ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, interleaved.`,
      "",
      "| Operation | REST req/s | MCP req/s | MCP / REST, median (min–max) | REST p50 ms | MCP p50 ms |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...pairs.map((pair, index) => {
        const runs = rounds[index];
        const ratios = runs.map((run) => run.mcp.requestsPerSec / run.rest.requestsPerSec);
        return `| ${pair.what} | ${fixed(median(runs.map((run) => run.rest.requestsPerSec)), 0)} | ${fixed(median(runs.map((run) => run.mcp.requestsPerSec)), 0)} | ${fixed(median(ratios))}× (${fixed(Math.min(...ratios))}–${fixed(Math.max(...ratios))}) | ${median(runs.map((run) => run.rest.p50Ms))} | ${median(runs.map((run) => run.mcp.p50Ms))} |`;
      }),
    ];
    console.log(lines.join("\n"));
  } finally {
    await server.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
};

await main();

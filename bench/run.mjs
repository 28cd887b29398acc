// Load-tests the real worker under `wrangler dev` (fresh local D1, loopback only) and compares real operations with
// raw-D1 twins of the same SQL (bench/twins.ts, served with the service by bench/worker.ts), measured in the same run, so the ratios say what
// authentication, rate limiting, Prisma, validation and the envelope cost: GET/POST /users, the thread list (with the
// reader's unread counts, and its twin without them: what the counts cost) and GET /me/unread over an inbox of 1,000
// threads, GET /threads/{id}, a
// thread's messages (first page and a deep page of a 100,000-message thread), search, posting a message, publishing
// and reading an artifact; and upload / download throughput of a 10 MiB file next to a bare R2 put / get, and of a
// 10 MiB part of a resumable upload next to a bare R2 uploadPart. It also
// compares the first page of a 100-message thread with that of a 100,000-message one (keyset pagination should keep
// them within 1.2x). Every real request is made as a signed-in admin. Also reports the size of the bundle
// `wrangler deploy` would upload.
//
//   npm run bench -- [--rounds 4] [--duration 3] [--warmup 1] [--connections 10] [--seed 200] [--large 100000]
//                    [--var NAME=VALUE …]   (a worker variable to override, for A/B runs)
//
// Flags default to BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_SEED and BENCH_LARGE.
// Durations are seconds per route per round. wrangler dev's own processes take most of the CPU of a 2-core machine
// and a single long run per route drifts by 10-15 %, so routes are measured in interleaved rounds (a route and its
// baseline always close together in time, in rotating order) and the report gives medians, and per-round ratios'
// spread. Progress goes to stderr; the markdown report to stdout; the numbers to bench/results/latest.json.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, constants, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { repoRoot, startDevServer, wranglerEnv } from "../test/e2e/support/dev-server.ts";
import { bearer, call, log, median, runId, signIn, signInAsAdmin, writeBenchConfig } from "./common.mjs";
import { exportTable, measureExports } from "./export.mjs";
import { measureLatency, waitFor, watch } from "./sse.mjs";

const execFileAsync = promisify(execFile);

const MINIMUM = { rounds: 1, duration: 1, warmup: 0, connections: 1, seed: 0, large: 200 };

const readOptions = () => {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: process.env.BENCH_ROUNDS ?? "4" },
      duration: { type: "string", default: process.env.BENCH_DURATION ?? "3" },
      warmup: { type: "string", default: process.env.BENCH_WARMUP ?? "1" },
      connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "10" },
      seed: { type: "string", default: process.env.BENCH_SEED ?? "200" },
      large: { type: "string", default: process.env.BENCH_LARGE ?? "100000" },
      var: { type: "string", multiple: true, default: [] },
    },
  });
  const { var: assignments, ...numbers } = values;
  const vars = Object.fromEntries(
    assignments.map((assignment) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(assignment);
      if (!match) throw new Error(`--var must be NAME=VALUE, got "${assignment}"`);
      return [match[1], match[2]];
    }),
  );
  const parsed = Object.fromEntries(
    Object.entries(numbers).map(([name, text]) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < MINIMUM[name]) {
        throw new Error(`--${name} must be a whole number of at least ${MINIMUM[name]}, got "${text}"`);
      }
      return [name, value];
    }),
  );
  return { ...parsed, vars };
};

// Every address is new: POST /users answers 409 for a taken email, and that would count as a non-2xx.
let emailCounter = 0;
const newUserBody = () => JSON.stringify({ email: `bench-${runId}-${emailCounter++}@example.com`, name: "Bench User" });

const jsonPost = (path, newBody = newUserBody) => ({
  method: "POST",
  path,
  headers: { "content-type": "application/json" },
  setupRequest: (request) => ({ ...request, body: newBody() }),
});

/** Messages the load posts: nothing dedupes them, but unique text keeps them apart in the event log. */
let messageCounter = 0;
const newMessageBody = () => JSON.stringify({ text: `Load message ${messageCounter++} from the bench run ${runId}` });

/** The messages in the small thread; the large one has `--large`. */
const SMALL_THREAD = 100;
/** Page size of every list and search measured. */
const PAGE = 20;
/** In a few messages only (none of the seeded ones, none of the load's), so search has a stable, small answer. */
const SEARCH_WORD = "quokka";
/** Each file route moves one file of this size per request. */
const FILE_BYTES = 10 * 1024 * 1024;
/**
 * File routes are loaded by count, not time: FILE_REQUESTS per round over FILE_CONNECTIONS connections, so the real
 * uploads (each a new 10 MiB object, kept in the run's local R2) stay bounded on disk, and every request completes.
 * 20 take about 3 s here, a round as long as the other routes' (10 took half that, and a round's ratio swung ±0.1).
 */
const FILE_REQUESTS = 20;
const FILE_CONNECTIONS = 2;
/** How often autocannon samples a file route's load, in ms: the precision of its duration (see load). */
const FILE_SAMPLE_MS = 10;
/** Incompressible bytes: nothing between client and R2 gets them for free. */
const fileBytes = () => {
  const bytes = Buffer.alloc(FILE_BYTES);
  for (let at = 0; at < FILE_BYTES; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
  return bytes;
};
/** What an agent publishes in the load (an INSIGHT, the commonest artifact). */
const newArtifactBody = () =>
  JSON.stringify({
    type: "INSIGHT",
    title: `Bench insight ${messageCounter++}`,
    summary: "Churn is down after the onboarding change.",
    content: {
      claim: "Churn fell from 4.1% to 3.2% after the onboarding change.",
      confidence: 0.82,
      evidence: [
        {
          statement: "Cohorts after 1 Sept retain 12% better.",
          source: { kind: "url", ref: "https://example.com/q3" },
        },
      ],
    },
  });

const SEARCHABLE_TEXTS = [
  `The ${SEARCH_WORD} cohort retained best in Q3`,
  `Why did the ${SEARCH_WORD} segment churn less?`,
  `Draft: ${SEARCH_WORD} pricing insight for the board`,
  `Reminder: the ${SEARCH_WORD} dashboard refreshes nightly`,
  `${SEARCH_WORD} funnel numbers attached to the report`,
  `Is the ${SEARCH_WORD} forecast still on track?`,
];

/** The admin's inbox: threads seeded as if a member had posted two messages in each; every INBOX_READ_EVERY-th read. */
const INBOX_THREADS = 1000;
const INBOX_READ_EVERY = 2;
const LIST = `GET /threads (${INBOX_THREADS} threads)`;
const LIST_TWIN = "GET /_bench/threads, with marks";
const LIST_TWIN_UNMARKED = "GET /_bench/threads, without marks";
const UNREAD = `GET /me/unread (${INBOX_THREADS} threads)`;
const UNREAD_TWIN = "GET /_bench/me/unread";

/** 100000 → "100k", for route names. */
const sizeLabel = (count) => (count % 1000 === 0 ? `${count / 1000}k` : String(count));

/** Route names that depend on the threads' sizes. */
const namesFor = ({ largeCount }) => {
  const big = sizeLabel(largeCount);
  const little = sizeLabel(SMALL_THREAD);
  return {
    firstPage: `GET messages, first page (${big})`,
    firstPageTwin: `GET /_bench messages, first page (${big})`,
    firstPageSmall: `GET messages, first page (${little})`,
    deepPage: `GET messages, deep page (${big})`,
    deepPageTwin: `GET /_bench messages, deep page (${big})`,
  };
};

/**
 * Routes in the order of the first round. `admin`: the request carries the run's access token (every real route
 * but /health needs it); the raw-D1 baselines (/_bench/…) and /health are public. `fixture` holds the ids the
 * conversation routes need (see setUpConversations). Messages are posted to a thread of their own, so the lists
 * and the search measured do not change during the run.
 */
const routesFor = (fixture, bytes) => {
  const { small, large, writes, deep, artifact, file, inbox } = fixture;
  const names = namesFor(fixture);
  const get = (path) => ({ method: "GET", path });
  return [
    { name: "GET /health", request: get("/health") },
    { name: "GET /users", request: get(`/users?limit=${PAGE}`), admin: true },
    { name: "GET /_bench/users", request: get(`/_bench/users?limit=${PAGE}`) },
    { name: WITH_LIMITER("GET /_bench/users"), request: get(`/_bench/users?limit=${PAGE}&rate_limit=1`) },
    { name: "POST /users", request: jsonPost("/users"), admin: true },
    { name: "POST /_bench/users", request: jsonPost("/_bench/users") },
    { name: LIST, request: get(`/threads?limit=${PAGE}`), admin: true },
    { name: LIST_TWIN, request: get(`/_bench/threads?limit=${PAGE}&marks=1&reader=${inbox.owner}`) },
    {
      name: WITH_LIMITER(LIST_TWIN),
      request: get(`/_bench/threads?limit=${PAGE}&marks=1&reader=${inbox.owner}&rate_limit=1`),
    },
    { name: LIST_TWIN_UNMARKED, request: get(`/_bench/threads?limit=${PAGE}`) },
    { name: UNREAD, request: get("/me/unread"), admin: true },
    { name: UNREAD_TWIN, request: get(`/_bench/me/unread?reader=${inbox.owner}`) },
    { name: "GET /threads/{id}", request: get(`/threads/${large}`), admin: true },
    { name: "GET /_bench/threads/{id}", request: get(`/_bench/threads/${large}`) },
    { name: WITH_LIMITER("GET /_bench/threads/{id}"), request: get(`/_bench/threads/${large}?rate_limit=1`) },
    { name: names.firstPage, request: get(`/threads/${large}/messages?limit=${PAGE}`), admin: true },
    { name: names.firstPageTwin, request: get(`/_bench/threads/${large}/messages?limit=${PAGE}`) },
    {
      name: WITH_LIMITER(names.firstPageTwin),
      request: get(`/_bench/threads/${large}/messages?limit=${PAGE}&rate_limit=1`),
    },
    { name: names.firstPageSmall, request: get(`/threads/${small}/messages?limit=${PAGE}`), admin: true },
    {
      name: names.deepPage,
      request: get(`/threads/${large}/messages?limit=${PAGE}&cursor=${deep.cursor}`),
      admin: true,
    },
    {
      name: names.deepPageTwin,
      request: get(`/_bench/threads/${large}/messages?limit=${PAGE}&order=desc&before_seq=${deep.beforeSeq}`),
    },
    { name: "GET /search/messages", request: get(`/search/messages?q=${SEARCH_WORD}&limit=${PAGE}`), admin: true },
    { name: "GET /_bench/search", request: get(`/_bench/search?q=${SEARCH_WORD}&limit=${PAGE}`) },
    {
      name: WITH_LIMITER("GET /_bench/search"),
      request: get(`/_bench/search?q=${SEARCH_WORD}&limit=${PAGE}&rate_limit=1`),
    },
    {
      name: "POST /threads/{id}/messages",
      request: jsonPost(`/threads/${writes}/messages`, newMessageBody),
      admin: true,
    },
    {
      name: "POST /_bench/threads/{id}/messages",
      request: jsonPost(`/_bench/threads/${writes}/messages`, newMessageBody),
    },
    {
      name: WITH_LIMITER("POST /_bench/threads/{id}/messages"),
      request: jsonPost(`/_bench/threads/${writes}/messages?rate_limit=1`, newMessageBody),
    },
    {
      name: WITH_LIMITER_AND_POKES("POST /_bench/threads/{id}/messages"),
      request: jsonPost(`/_bench/threads/${writes}/messages?rate_limit=1&notify=1`, newMessageBody),
    },
    {
      name: "POST /threads/{id}/artifacts",
      request: jsonPost(`/threads/${writes}/artifacts`, newArtifactBody),
      admin: true,
    },
    {
      name: "POST /_bench/threads/{id}/artifacts",
      request: jsonPost(`/_bench/threads/${writes}/artifacts`, newArtifactBody),
    },
    {
      name: WITH_LIMITER("POST /_bench/threads/{id}/artifacts"),
      request: jsonPost(`/_bench/threads/${writes}/artifacts?rate_limit=1`, newArtifactBody),
    },
    {
      name: WITH_LIMITER_AND_POKES("POST /_bench/threads/{id}/artifacts"),
      request: jsonPost(`/_bench/threads/${writes}/artifacts?rate_limit=1&notify=1`, newArtifactBody),
    },
    { name: "GET /threads/{id}/artifacts/{id}", request: get(`/threads/${small}/artifacts/${artifact}`), admin: true },
    { name: "GET /_bench/threads/{id}/artifacts/{id}", request: get(`/_bench/threads/${small}/artifacts/${artifact}`) },
    {
      name: "POST /files (10 MiB)",
      request: {
        method: "POST",
        path: "/files?filename=bench.bin",
        headers: { "content-type": "application/octet-stream" },
        body: bytes,
      },
      admin: true,
      bytes: FILE_BYTES,
    },
    {
      name: "PUT /_bench/files/{key} (10 MiB)",
      request: { method: "PUT", path: "/_bench/files/upload", body: bytes },
      bytes: FILE_BYTES,
    },
    {
      name: PART_ROUTE,
      request: {
        method: "PUT",
        path: `/uploads/${fixture.upload}/parts/1`,
        headers: { "content-type": "application/octet-stream" },
        body: bytes,
      },
      admin: true,
      bytes: FILE_BYTES,
    },
    {
      name: PART_TWIN,
      request: { method: "PUT", path: `/_bench/uploads/part/parts/1?upload_id=${fixture.twinUpload}`, body: bytes },
      bytes: FILE_BYTES,
    },
    { name: "GET /files/{id}", request: get(`/files/${file}`), admin: true },
    { name: "GET /_bench/files/{id}/metadata", request: get(`/_bench/files/${file}/metadata`) },
    {
      name: "GET /files/{id}/content (10 MiB)",
      request: get(`/files/${file}/content`),
      admin: true,
      bytes: FILE_BYTES,
    },
    { name: "GET /_bench/files/{key} (10 MiB)", request: get("/_bench/files/download"), bytes: FILE_BYTES },
  ];
};

/** A twin that also calls the rate-limit binding first (`?rate_limit=1`): READ_ for reads, WRITE_ for writes. */
const WITH_LIMITER = (twin) => `${twin} + rate limiter`;
/** …and, after answering, pokes the hubs the real write pokes (`&notify=1`): the real write's side work, all of it. */
const WITH_LIMITER_AND_POKES = (twin) => `${twin} + rate limiter + hub pokes`;
/**
 * Comparisons that explain a gap rather than set a budget: the write against its twin doing the same side work
 * (`twinAlso`), so the two steps split the gap into the limiter, the hub pokes and the framework.
 */
const attributions = (route, twin, hubs, framework) => [
  {
    route,
    baseline: WITH_LIMITER(twin),
    twinAlso: "the rate-limiter call",
    meaning: `as above, but the twin also calls the rate-limit binding: what is left of the gap is ${framework}, and the pokes of ${hubs}`,
    unbudgeted: "attribution",
  },
  {
    route,
    baseline: WITH_LIMITER_AND_POKES(twin),
    twinAlso: "the rate-limiter call and the hub pokes",
    meaning: `as above, and the twin also pokes ${hubs} (in waitUntil, as the real write): what is left of the gap is ${framework}`,
    unbudgeted: "attribution",
  },
];

const AUTHENTICATION =
  "authentication (ES256 JWT verify + the session check: one statement, none when the isolate checked it lately)";
const READ_LAYERS = `${AUTHENTICATION} + reads rate-limit binding call + ORM + validation + envelope`;
/** A read against its twin also calling READ_RATE_LIMITER: what is left of the gap is the framework's. */
const readAttribution = (route, twin) => ({
  route,
  baseline: WITH_LIMITER(twin),
  twinAlso: "the rate-limiter call",
  meaning: `as above, but the twin also calls the reads rate-limit binding: what is left of the gap is authentication, ORM, validation and envelope`,
  unbudgeted: "attribution",
});

const comparisonsFor = (fixture) => {
  const names = namesFor(fixture);
  return [
    {
      route: "GET /users",
      baseline: "GET /_bench/users",
      meaning: `${READ_LAYERS} on a 20-row read`,
    },
    readAttribution("GET /users", "GET /_bench/users"),
    {
      route: "POST /users",
      baseline: "POST /_bench/users",
      meaning: `${AUTHENTICATION} + rate-limit binding call + ORM + validation + envelope on an insert (no Idempotency-Key is sent, so the idempotency middleware does nothing)`,
    },
    {
      route: LIST,
      baseline: LIST_TWIN,
      meaning: `${READ_LAYERS} + wire mapping on the same read: a page of 20 threads by last activity left-joined with the caller's read rows`,
    },
    readAttribution(LIST, LIST_TWIN),
    {
      route: LIST_TWIN,
      baseline: LIST_TWIN_UNMARKED,
      meaning:
        "what unread counts cost the list: the join with the reader's rows (a primary-key lookup per thread of the page, in the same statement); both twins, no other layer",
    },
    {
      route: UNREAD,
      baseline: UNREAD_TWIN,
      meaning: `${READ_LAYERS} on one statement: every thread in reach (the admin's: all) left-joined with the reader's row, summed`,
      unbudgeted: "reported",
    },
    {
      route: "GET /threads/{id}",
      baseline: "GET /_bench/threads/{id}",
      meaning: `${READ_LAYERS} + ETag; one read of the thread (without its memory), then the caller's read mark in it`,
    },
    readAttribution("GET /threads/{id}", "GET /_bench/threads/{id}"),
    {
      route: names.firstPage,
      baseline: names.firstPageTwin,
      meaning: `${READ_LAYERS} + wire mapping on access read + 20-message page + its attachments (the twin: one join) + reactions summary`,
    },
    readAttribution(names.firstPage, names.firstPageTwin),
    {
      route: names.deepPage,
      baseline: names.deepPageTwin,
      meaning: "as the first page, for 20 messages near the thread's start (the real route pages by cursor)",
    },
    {
      route: "GET /search/messages",
      baseline: "GET /_bench/search",
      meaning: `${AUTHENTICATION} + reads rate-limit binding call + validation + snippet parsing + envelope on the same FTS5 query (${SEARCHABLE_TEXTS.length} hits)`,
    },
    readAttribution("GET /search/messages", "GET /_bench/search"),
    {
      route: "POST /threads/{id}/messages",
      baseline: "POST /_bench/threads/{id}/messages",
      meaning: `${AUTHENTICATION} + rate-limit binding call + body validation + ORM access read + ETag + envelope + two hub pokes after the answer (the thread's, its owner's user hub); both run the access read and the same 3-statement batch (event, message + FTS triggers, thread bump)`,
    },
    ...attributions(
      "POST /threads/{id}/messages",
      "POST /_bench/threads/{id}/messages",
      "the thread's hub and its owner's user hub",
      "authentication, validation, ORM, ETag and envelope",
    ),
    {
      route: "POST /threads/{id}/artifacts",
      baseline: "POST /_bench/threads/{id}/artifacts",
      meaning: `${AUTHENTICATION} + rate-limit binding call + content validation (the INSIGHT schema) + access read + ETag + envelope + the thread hub's poke after the answer; both run the access read and the same 4-statement batch (event, artifact, version 1, thread bump)`,
    },
    ...attributions(
      "POST /threads/{id}/artifacts",
      "POST /_bench/threads/{id}/artifacts",
      "the thread's hub",
      "authentication, content validation, ORM, ETag and envelope",
    ),
    {
      route: "GET /threads/{id}/artifacts/{id}",
      baseline: "GET /_bench/threads/{id}/artifacts/{id}",
      meaning: `${READ_LAYERS} + ETag; both run the access read and the artifact joined to its current version`,
    },
    {
      route: "GET /files/{id}",
      baseline: "GET /_bench/files/{id}/metadata",
      meaning: `${READ_LAYERS} + ETag; both read the file's row`,
    },
    {
      route: "POST /files (10 MiB)",
      baseline: "PUT /_bench/files/{key} (10 MiB)",
      meaning: `${AUTHENTICATION} + rate-limit binding call + SHA-256 and type sniffing on the stream + a PENDING row, then READY + the preview job queued; the twin: one R2 put of the request body`,
      throughputOnly: true,
    },
    {
      route: PART_ROUTE,
      baseline: PART_TWIN,
      meaning: `${AUTHENTICATION} + rate-limit binding call + the upload's row + SHA-256 and exact length on the stream + the part's row; the twin: one R2 uploadPart of the request body`,
      throughputOnly: true,
    },
    {
      route: "GET /files/{id}/content (10 MiB)",
      baseline: "GET /_bench/files/{key} (10 MiB)",
      meaning: `${AUTHENTICATION} + the file row and access check + ETag and download headers; the twin: one R2 get streamed back`,
      throughputOnly: true,
    },
    {
      route: "GET /health",
      baseline: "GET /_bench/users",
      meaning: "health (D1 ping + envelope) vs the raw 20-row read: the floor of a routed request with one query",
      unbudgeted: "its twin is another route",
    },
  ];
};

/**
 * The budgets `npm run bench` checks (the performance issue's targets): each key endpoint at ≥ 0.8× its twin's
 * req/s with p99 ≤ 1.5× (medians of the per-round ratios), the 100,000-message thread's first page within 1.2× of
 * the 100-message one's, and the upload wrangler would deploy ≤ 1 MiB gzip. Missing one makes the run exit 1.
 */
const BUDGET = { throughput: 0.8, p99: 1.5, bundleGzipKiB: 1024 };
/** The SSE row: posts one after another to a thread this many watchers follow (npm run bench:streams goes further). */
const SSE_WATCHERS = 100;
const SSE_POSTS = 20;
const budgetsFor = ({ comparisons, pagination, bundle, companionBundles, routes, sse }) => [
  ...comparisons
    .filter((c) => !c.unbudgeted)
    .flatMap((c) => [
      {
        // A file route moves one file per request: its req/s ratio is its MB/s ratio.
        budget: `${c.route}: ${c.throughputOnly ? "MB/s" : "req/s"} vs its twin`,
        target: `≥ ${BUDGET.throughput}×`,
        measured: range(c.requestsPerSec),
        met: c.requestsPerSec.median >= BUDGET.throughput,
      },
      ...(c.throughputOnly
        ? []
        : [
            {
              budget: `${c.route}: p99 vs its twin`,
              target: `≤ ${BUDGET.p99}×`,
              measured: range(c.latencyP99),
              met: c.latencyP99.median <= BUDGET.p99,
            },
          ]),
    ]),
  {
    budget: `first page, ${count(pagination.largeMessages)} vs ${count(pagination.smallMessages)} messages: p50 / p99`,
    target: `≤ ${pagination.target}×`,
    measured: `${range(pagination.latencyP50)} / ${range(pagination.latencyP99)}`,
    met: pagination.withinTarget,
  },
  // Reported, not budgeted (the issue sets no target for them): met is null.
  ...comparisons
    .filter((c) => c.unbudgeted === "attribution")
    .map((c) => ({
      budget: `${c.route}: req/s vs its twin + ${c.twinAlso}`,
      target: "reported",
      measured: range(c.requestsPerSec),
      met: null,
    })),
  ...routes
    .filter((r) => r.name === UNREAD)
    .map((r) => ({
      budget: `${r.name}: req/s, p50 / p99`,
      target: "reported",
      measured: `${fixed(r.requestsPerSec, 0)} req/s, ${fixed(r.latencyP50Ms, 0)} ms / ${fixed(r.latencyP99Ms, 0)} ms`,
      met: null,
    })),
  {
    budget: `SSE delivery, post → receipt at ${sse.watchers} watchers (${sse.receipts} receipts): p50 / p99`,
    target: "reported",
    measured: `${fixed(sse.p50Ms, 0)} ms / ${fixed(sse.p99Ms, 0)} ms`,
    met: null,
  },
  ...routes
    .filter((r) => r.megabytesPerSec !== undefined)
    .map((r) => ({ budget: `${r.name}: MB/s`, target: "reported", measured: fixed(r.megabytesPerSec, 0), met: null })),
  {
    budget: "deploy bundle, gzip (as wrangler reports it)",
    target: `≤ ${BUDGET.bundleGzipKiB} KiB`,
    measured: bundle.wrangler ? `${bundle.wrangler.gzipKiB} KiB (raw ${bundle.wrangler.uploadKiB} KiB)` : "n/a",
    met: bundle.wrangler !== null && bundle.wrangler.gzipKiB <= BUDGET.bundleGzipKiB,
  },
  ...companionBundles.map(({ name, bundle: measured }) => ({
    budget: `${name} worker's deploy bundle, gzip (src/${name.toLowerCase()}; its own worker)`,
    target: "reported",
    measured: measured.wrangler ? `${measured.wrangler.gzipKiB} KiB (raw ${measured.wrangler.uploadKiB} KiB)` : "n/a",
    met: null,
  })),
];

/** Keyset pagination: the same first page of a large thread and of a small one should cost the same. */
const TARGET_SIZE_RATIO = 1.2;
const sizeComparisonFor = (fixture) => {
  const names = namesFor(fixture);
  return { route: names.firstPage, baseline: names.firstPageSmall, target: TARGET_SIZE_RATIO };
};

/**
 * What a wasm module adds to a cold start: compiling it (V8, as in workerd), median of five. Prisma's query compiler
 * is compiled when an isolate first queries, so this is the difference between its `fast` and `small` builds there.
 */
const wasmCompileMs = async (bytes) => {
  const timings = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await WebAssembly.compile(bytes);
    timings.push(performance.now() - start);
  }
  return median(timings);
};

/** Sizes of the modules `wrangler deploy` would upload (no network: --dry-run) for the API, or the MCP worker's config. */
const measureBundle = async (configArgs = []) => {
  const outdir = mkdtempSync(join(tmpdir(), "experience-layer-bundle-"));
  try {
    const { stdout, stderr } = await execFileAsync(
      "npx",
      ["wrangler", "deploy", "--dry-run", "--outdir", outdir, "--env", "production", ...configArgs],
      { cwd: repoRoot, env: wranglerEnv(), maxBuffer: 16 * 1024 * 1024 },
    ).catch((error) => {
      throw new Error(`wrangler deploy --dry-run failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    // Source maps and wrangler's README are written next to the bundle but not uploaded.
    const modules = await Promise.all(
      readdirSync(outdir)
        .filter((file) => !file.endsWith(".map") && file !== "README.md")
        .map(async (file) => {
          const bytes = readFileSync(join(outdir, file));
          const compileMs = file.endsWith(".wasm") ? await wasmCompileMs(bytes) : undefined;
          return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes).length, compileMs };
        }),
    );
    const upload = `${stdout}\n${stderr}`.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
    return {
      modules,
      bytes: modules.reduce((sum, module) => sum + module.bytes, 0),
      gzipBytes: modules.reduce((sum, module) => sum + module.gzipBytes, 0),
      wrangler: upload ? { uploadKiB: Number(upload[1]), gzipKiB: Number(upload[2]) } : null,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

const seedUsers = async (url, token, count) => {
  const batch = 10;
  for (let start = 0; start < count; start += batch) {
    const posts = Array.from({ length: Math.min(batch, count - start) }, async () => {
      const response = await fetch(`${url}/users`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(token) },
        body: newUserBody(),
      });
      if (response.status !== 201)
        throw new Error(`seeding: POST /users answered ${response.status}: ${await response.text()}`);
    });
    await Promise.all(posts);
  }
};

/** Fails early if the baseline routes are not mounted, rather than benchmarking 404s. */
const checkBaseline = async (url, users) => {
  const response = await fetch(`${url}/_bench/users?limit=20`);
  const rows = response.ok ? await response.json() : null;
  if (!Array.isArray(rows) || rows.length !== Math.min(20, users)) {
    throw new Error(`GET /_bench/users answered ${response.status}; is wrangler dev serving bench/worker.ts?`);
  }
};

/** Appends `count` messages to a thread through the bench-only bulk route; resolves the time it took. */
const seedMessages = async (url, threadId, count) => {
  const started = performance.now();
  const result = await call(url, null, "POST", `/_bench/threads/${threadId}/seed`, { count });
  const { before, after } = result.database_bytes;
  return {
    count,
    ms: Math.round(performance.now() - started),
    workerMs: result.elapsed_ms,
    lastSeq: result.last_seq,
    bytesPerMessage: after === null ? null : Math.round((after - before) / count),
    textChars: Math.round(result.text_chars),
  };
};

/** The admin's thumbsup and tada on each message, so the reactions summary of a page has rows to count. */
const react = async (url, token, threadId, messageIds) => {
  for (const id of messageIds) {
    for (const emoji of ["thumbsup", "tada"]) {
      await call(url, token, "PUT", `/threads/${threadId}/messages/${id}/reactions/${emoji}`);
    }
  }
};

/**
 * The threads the conversation routes use, made through the real API as the admin: a small one (SMALL_THREAD
 * messages) and a large one (`largeCount`), both filled by the bulk seeding route, and one that takes the load's
 * posts and holds the only messages with SEARCH_WORD (half given to POST /threads, half posted one by one). The
 * newest three messages of both listed threads and three of the deep page carry reactions. The deep page is 20
 * messages near the large thread's start, reached as a client would: `before=<id>` from an ascending listing,
 * then that page's `next_cursor`.
 */
const setUpConversations = async (url, token, largeCount) => {
  const newThread = async (title, messages) =>
    (await call(url, token, "POST", "/threads", { title, ...(messages ? { messages } : {}) })).data.id;
  const half = SEARCHABLE_TEXTS.length / 2;
  const small = await newThread(`Bench: ${SMALL_THREAD} messages`);
  const large = await newThread(`Bench: ${largeCount} messages`);
  const writes = await newThread(
    "Bench: posts",
    SEARCHABLE_TEXTS.slice(0, half).map((text) => ({ text })),
  );
  for (const text of SEARCHABLE_TEXTS.slice(half)) {
    await call(url, token, "POST", `/threads/${writes}/messages`, { text });
  }

  const seeding = { small: await seedMessages(url, small, SMALL_THREAD) };
  log(`seeding ${largeCount} messages into one thread…`);
  seeding.large = await seedMessages(url, large, largeCount);
  log(`seeded ${largeCount} messages in ${seeding.large.ms} ms (${seeding.large.workerMs} ms in the worker)`);

  const newest = async (threadId) =>
    (await call(url, token, "GET", `/threads/${threadId}/messages?limit=3`)).data.map((message) => message.id);
  await react(url, token, small, await newest(small));
  await react(url, token, large, await newest(large));

  const early = (await call(url, token, "GET", `/threads/${large}/messages?order=asc&limit=100`)).data;
  const anchor = early[Math.min(60, early.length - 1)];
  const above = await call(
    url,
    token,
    "GET",
    `/threads/${large}/messages?order=desc&limit=${PAGE}&before=${anchor.id}`,
  );
  const cursor = above.pagination.next_cursor;
  if (typeof cursor !== "string") throw new Error("the large thread has no page below its first 60 messages");
  const beforeSeq = above.data.at(-1).seq;
  const deepPage = (await call(url, token, "GET", `/threads/${large}/messages?limit=${PAGE}&cursor=${cursor}`)).data;
  await react(
    url,
    token,
    large,
    deepPage.slice(0, 3).map((message) => message.id),
  );
  const artifact = (await call(url, token, "POST", `/threads/${small}/artifacts`, JSON.parse(newArtifactBody()))).data
    .id;
  return {
    small,
    large,
    writes,
    artifact,
    largeCount,
    deep: { cursor, beforeSeq, firstSeq: deepPage.at(-1)?.seq, lastSeq: deepPage[0]?.seq },
    seeding,
  };
};

/**
 * The admin's inbox: INBOX_THREADS threads of theirs in which another user posted two messages, every
 * INBOX_READ_EVERY-th read to its end (bulk-seeded: see the twin), so the list and GET /me/unread read real marks.
 */
const setUpInbox = async (url, token) => {
  const member = await signIn(url, "member", "USER");
  const owner = (await call(url, token, "GET", "/me")).data.id;
  const author = (await call(url, member, "GET", "/me")).data.id;
  const started = performance.now();
  const seeded = await call(url, null, "POST", "/_bench/threads/seed", {
    owner_id: owner,
    author_id: author,
    count: INBOX_THREADS,
    read_every: INBOX_READ_EVERY,
  });
  return { owner, threads: seeded.threads, read: seeded.read, ms: Math.round(performance.now() - started) };
};

const PART_ROUTE = "PUT /uploads/{id}/parts/{n} (10 MiB)";
const PART_TWIN = "PUT /_bench/uploads/{key}/parts/{n} (10 MiB)";

/**
 * The resumable upload the part route sends part 1 of, again and again (a part sent again replaces it): two parts of
 * FILE_BYTES; and the twin's R2 multipart upload. Answers both ids.
 */
const setUpResumable = async (url, token) => {
  const real = await call(url, token, "POST", "/uploads", {
    filename: "bench.bin",
    content_type: "application/octet-stream",
    total_bytes: 2 * FILE_BYTES,
    part_size: FILE_BYTES,
  });
  const twin = await call(url, undefined, "POST", "/_bench/uploads/part");
  return { upload: real.data.id, twinUpload: twin.upload_id };
};

/** The 10 MiB file both download routes send: uploaded once through the real route and once to the twin's key. */
const setUpFiles = async (url, token, bytes) => {
  const upload = async (path, headers) => {
    const response = await fetch(`${url}${path}`, {
      method: path.startsWith("/_bench") ? "PUT" : "POST",
      headers,
      body: bytes,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`uploading to ${path} answered ${response.status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text);
  };
  const real = await upload("/files?filename=bench.bin", {
    "content-type": "application/octet-stream",
    ...bearer(token),
  });
  const twin = await upload("/_bench/files/download", {});
  if (real.data.size_bytes !== FILE_BYTES || twin.size !== FILE_BYTES) {
    throw new Error(`uploads stored ${real.data.size_bytes} and ${twin.size} bytes, not ${FILE_BYTES}`);
  }
  return real.data.id;
};

/** Well under the hubs' 15 s heartbeat, which would deliver an event whose poke never came. */
const POKE_DELIVERY_MS = 3_000;

/**
 * Fails early, rather than benchmarking 404s or twins that do less: each GET twin must return the same rows
 * (messages, with as many reactions; search hits) as its real route, and a write twin's hub poke must reach the
 * hub (a watcher gets the twin's message at once, not at the next heartbeat).
 */
const checkTwins = async (url, token, fixture) => {
  const { small, large, deep } = fixture;
  const same = (what, real, twin) => {
    if (JSON.stringify(real) !== JSON.stringify(twin)) {
      throw new Error(`${what}: the twin's answer differs from the real route's\n${JSON.stringify({ real, twin })}`);
    }
  };
  const realPage = async (query, threadId = large) => {
    const { data } = await call(url, token, "GET", `/threads/${threadId}/messages?${query}`);
    return { ids: data.map((m) => m.id), reactions: data.reduce((sum, m) => sum + m.reactions.length, 0) };
  };
  const twinPage = async (query) => {
    const body = await call(url, null, "GET", `/_bench/threads/${large}/messages?${query}`);
    return { ids: body.messages.map((m) => m.id), reactions: body.reactions.length };
  };
  const first = await realPage(`limit=${PAGE}`);
  same("first page", first, await twinPage(`limit=${PAGE}`));
  same(
    "deep page",
    await realPage(`limit=${PAGE}&cursor=${deep.cursor}`),
    await twinPage(`limit=${PAGE}&order=desc&before_seq=${deep.beforeSeq}`),
  );
  if (first.reactions === 0 || (await realPage(`limit=${PAGE}`, small)).reactions === 0) {
    throw new Error("the first pages carry no reactions");
  }
  const realHits = (await call(url, token, "GET", `/search/messages?q=${SEARCH_WORD}&limit=${PAGE}`)).data;
  const twinHits = (await call(url, null, "GET", `/_bench/search?q=${SEARCH_WORD}&limit=${PAGE}`)).hits;
  same(
    "search",
    realHits.map((hit) => hit.message_id),
    twinHits.map((hit) => hit.id),
  );
  if (realHits.length !== SEARCHABLE_TEXTS.length) throw new Error(`search found ${realHits.length} messages`);
  const realArtifact = (await call(url, token, "GET", `/threads/${small}/artifacts/${fixture.artifact}`)).data;
  const twinArtifact = await call(url, null, "GET", `/_bench/threads/${small}/artifacts/${fixture.artifact}`);
  same("artifact", [realArtifact.id, realArtifact.content], [twinArtifact.id, twinArtifact.content]);
  const downloaded = async (path, auth) => {
    const response = await fetch(`${url}${path}`, { headers: auth ? bearer(token) : {} });
    return response.ok ? (await response.arrayBuffer()).byteLength : `status ${response.status}`;
  };
  same(
    "download size",
    await downloaded(`/files/${fixture.file}/content`, true),
    await downloaded("/_bench/files/download", false),
  );
  const realList = (await call(url, token, "GET", `/threads?limit=${PAGE}`)).data;
  const twinList = await call(url, null, "GET", `/_bench/threads?limit=${PAGE}&marks=1&reader=${fixture.inbox.owner}`);
  same(
    "thread list and its unread counts",
    realList.map((thread) => [thread.id, thread.unread_count]),
    twinList.map((thread) => [thread.id, thread.unread_count ?? thread.message_count]),
  );
  const realTotals = (await call(url, token, "GET", "/me/unread")).data;
  same("unread totals", realTotals, await call(url, null, "GET", `/_bench/me/unread?reader=${fixture.inbox.owner}`));
  const unreadInbox = fixture.inbox.threads - fixture.inbox.read;
  if (realTotals.threads < unreadInbox || realTotals.messages < 2 * unreadInbox) {
    throw new Error(`GET /me/unread counts ${JSON.stringify(realTotals)}: fewer than the inbox's unread threads`);
  }
  same(
    "thread",
    (await call(url, token, "GET", `/threads/${large}`)).data.id,
    (await call(url, null, "GET", `/_bench/threads/${large}`)).id,
  );
  const watcher = await watch(url, token, fixture.writes);
  try {
    const text = `Poked by the twin, bench run ${runId}`;
    await call(url, null, "POST", `/_bench/threads/${fixture.writes}/messages?notify=1`, { text });
    await waitFor("the twin's poke to reach a watcher", () => watcher.seen.has(text), POKE_DELIVERY_MS);
  } finally {
    await watcher.close();
  }
};

/** A word of every seeded message: what one search costs when the term is everywhere. */
const COMMON_WORD = "seeded";
const PROBE_TIMES = 3;

/**
 * Single requests, one after another, outside the load: searches for a word that is in every seeded message, real
 * and twin (as the admin: every match is ranked), the same search within the posts' thread, which holds none of them,
 * and as a user whose one thread holds one such message. The last two are narrowed inside FTS5 (the thread's and
 * the owner's scope tokens), so they should not grow with the matches elsewhere.
 */
const runProbes = async (url, token, fixture) => {
  const reader = await signIn(url, "reader", "USER");
  const readersThread = (await call(url, reader, "POST", "/threads", { title: "A reader's thread" })).data.id;
  await call(url, reader, "POST", `/threads/${readersThread}/messages`, { text: `The one ${COMMON_WORD} note here` });
  const probe = async (name, path, as, hitsOf) => {
    const timingsMs = [];
    let hits = 0;
    for (let i = 0; i < PROBE_TIMES; i++) {
      const started = performance.now();
      const body = await call(url, as, "GET", path);
      timingsMs.push(Math.round(performance.now() - started));
      hits = hitsOf(body);
    }
    return { name, path, hits, timingsMs, medianMs: median(timingsMs) };
  };
  return [
    await probe(
      `GET /search/messages?q=${COMMON_WORD}&limit=${PAGE}`,
      `/search/messages?q=${COMMON_WORD}&limit=${PAGE}`,
      token,
      (body) => body.data.length,
    ),
    await probe(
      `GET /_bench/search?q=${COMMON_WORD}&limit=${PAGE}`,
      `/_bench/search?q=${COMMON_WORD}&limit=${PAGE}`,
      null,
      (body) => body.hits.length,
    ),
    await probe(
      `GET /search/messages?q=${COMMON_WORD}&limit=${PAGE}&thread_id=<the posts' thread>`,
      `/search/messages?q=${COMMON_WORD}&limit=${PAGE}&thread_id=${fixture.writes}`,
      token,
      (body) => body.data.length,
    ),
    await probe(
      `GET /search/messages?q=${COMMON_WORD}&limit=${PAGE}, as a user with one such message`,
      `/search/messages?q=${COMMON_WORD}&limit=${PAGE}`,
      reader,
      (body) => body.data.length,
    ),
  ];
};

/**
 * One load of a route. File routes (`bytes` per request) run a fixed count (see FILE_REQUESTS): their rate is that
 * count over the time it took, and their throughput MB/s (10^6 bytes) of file moved; other routes run for `duration`
 * seconds and report autocannon's mean of per-second counts.
 */
const load = async (url, token, { request, admin, bytes }, connections, duration) => {
  const signed = admin ? { ...request, headers: { ...request.headers, ...bearer(token) } } : request;
  const result = await autocannon({
    url,
    requests: [signed],
    ...(bytes
      ? {
          amount: FILE_REQUESTS,
          connections: FILE_CONNECTIONS,
          // autocannon ends a run (and its `duration`) on its next sample tick, every second by default: 10 uploads
          // taking 1.9 s or 2.1 s read as 2 s or 3 s, a 1.00× or 0.67× ratio for the same speed. Ticks of 10 ms
          // make the duration the run's own, within 1 %.
          sampleInt: FILE_SAMPLE_MS,
        }
      : { connections, duration }),
  });
  const completed = result.requests.total;
  return {
    requestsPerSec: bytes ? completed / result.duration : result.requests.average,
    ...(bytes ? { megabytesPerSec: (completed * bytes) / result.duration / 1e6 } : {}),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
  };
};

/** One route over all rounds: medians of the per-round figures, totals of the counts. */
const summarize = (name, rounds) => ({
  name,
  requestsPerSec: median(rounds.map((r) => r.requestsPerSec)),
  latencyP50Ms: median(rounds.map((r) => r.latencyP50Ms)),
  latencyP99Ms: median(rounds.map((r) => r.latencyP99Ms)),
  ...(rounds[0]?.megabytesPerSec === undefined
    ? {}
    : { megabytesPerSec: median(rounds.map((r) => r.megabytesPerSec)) }),
  requests: rounds.reduce((sum, r) => sum + r.requests, 0),
  non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  errors: rounds.reduce((sum, r) => sum + r.errors, 0),
  statusCodes: rounds.reduce((all, r) => {
    for (const [code, count] of Object.entries(r.statusCodes)) all[code] = (all[code] ?? 0) + count;
    return all;
  }, {}),
  rounds,
});

/** Ratio of a figure of `route` to `baseline`, per round (same moment), as median and range. */
const ratio = (route, baseline, figure) => {
  const perRound = route.rounds.map((r, i) => r[figure] / baseline.rounds[i][figure]);
  return { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound) };
};

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const range = ({ median: m, min, max }) => `${fixed(m, 2)}× (${fixed(min, 2)}–${fixed(max, 2)})`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const count = (n) => n.toLocaleString("en");

const report = ({ threadExports, ...results }) => {
  const { options, fixture, routes, comparisons, pagination, probes, bundle, budgets, failures } = results;
  const lines = [
    `## Benchmark: wrangler dev on 127.0.0.1, ${options.connections} connections, ${options.rounds} interleaved rounds of ${options.duration}s per route${
      Object.keys(options.vars).length > 0
        ? `; with ${Object.entries(options.vars)
            .map(([name, value]) => `${name}=${value}`)
            .join(", ")}`
        : ""
    }`,
    "",
    `### Budgets: ${budgets.filter((b) => b.met).length} of ${budgets.filter((b) => b.met !== null).length} met`,
    "",
    "| Budget | Target | Measured: median (min–max over rounds) | Met |",
    "| --- | ---: | ---: | :---: |",
    ...budgets.map(
      (b) => `| ${b.budget} | ${b.target} | ${b.measured} | ${b.met === null ? "—" : b.met ? "yes" : "**NO**"} |`,
    ),
    "",
    "Per route: medians over the rounds.",
    "",
    "| Route | Req/s | p50 ms | p99 ms | Requests | Non-2xx | Errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...routes.map(
      (r) =>
        `| ${r.name} | ${fixed(r.requestsPerSec, r.requestsPerSec < 10 ? 1 : 0)} | ${fixed(r.latencyP50Ms, 0)} | ${fixed(r.latencyP99Ms, 0)} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
    ),
    "",
    "Ratios are route ÷ baseline within each round, as median (min–max over rounds): req/s below 1× and latency",
    "above 1× mean the route costs more.",
    "",
    "| Route vs baseline | Req/s | p50 | p99 | What the difference is |",
    "| --- | ---: | ---: | ---: | --- |",
    ...comparisons.map(
      (c) =>
        `| ${c.route} vs ${c.baseline} | ${range(c.requestsPerSec)} | ${range(c.latencyP50)} | ${range(c.latencyP99)} | ${c.meaning} |`,
    ),
    "",
    `### Files: ${FILE_REQUESTS} requests of ${FILE_BYTES / 1024 / 1024} MiB per round over ${FILE_CONNECTIONS} connections`,
    "",
    "| Route | MB/s (10^6 bytes) | vs its bare R2 twin (min–max over rounds) |",
    "| --- | ---: | ---: |",
    ...routes
      .filter((r) => r.megabytesPerSec !== undefined)
      .map((r) => {
        const comparison = comparisons.find((c) => c.route === r.name);
        return `| ${r.name} | ${fixed(r.megabytesPerSec, 0)} | ${comparison ? range(comparison.requestsPerSec) : "(the twin)"} |`;
      }),
    "",
    `### Keyset pagination: the first page (limit ${PAGE}) of a ${count(pagination.largeMessages)}-message thread vs a ${count(pagination.smallMessages)}-message one`,
    "",
    `| Thread | p50 ms | p99 ms |`,
    "| --- | ---: | ---: |",
    `| ${count(pagination.smallMessages)} messages | ${fixed(pagination.small.latencyP50Ms, 0)} | ${fixed(pagination.small.latencyP99Ms, 0)} |`,
    `| ${count(pagination.largeMessages)} messages | ${fixed(pagination.large.latencyP50Ms, 0)} | ${fixed(pagination.large.latencyP99Ms, 0)} |`,
    `| ratio, median (min–max over rounds) | ${range(pagination.latencyP50)} | ${range(pagination.latencyP99)} |`,
    "",
    `Target: within ${pagination.target}× (p50 and p99 medians): **${pagination.withinTarget ? "met" : "NOT met"}**.`,
    "",
    `Setup: ${count(fixture.seeding.large.count)} messages seeded in ${fixture.seeding.large.ms} ms (one bulk request, ${fixture.seeding.large.workerMs} ms in the worker; FTS triggers included); the deep page holds seq ${fixture.deep.firstSeq}–${fixture.deep.lastSeq}. The database grew by ${fixture.seeding.large.bytesPerMessage ?? "n/a"} bytes per message (its row, its event, the FTS index and the indexes; texts of ${fixture.seeding.large.textChars} characters).`,
    "",
    `Inbox: ${count(fixture.inbox.threads)} threads of the admin's seeded in ${fixture.inbox.ms} ms (one bulk request; ${count(fixture.inbox.read)} read to their end, the rest with two unread messages each).`,
    "",
    "Single requests, one at a time (median of the timings):",
    "",
    "| Request | Results | Timings ms | Median ms |",
    "| --- | ---: | --- | ---: |",
    ...probes.map((p) => `| ${p.name} | ${p.hits} | ${p.timingsMs.join(", ")} | ${fixed(p.medianMs, 0)} |`),
    "",
    `### Thread export (GET /threads/{id}/export of the large thread, ${options.rounds} rounds, one client; bench/export.mjs)`,
    "",
    exportTable(threadExports, fixture.largeCount),
    "",
    `### Worker bundle (wrangler deploy --dry-run --env production): ${kib(bundle.bytes)}, gzip ${kib(bundle.gzipBytes)}`,
    "",
    "| Module | Size | gzip | Compile (cold start), ms |",
    "| --- | ---: | ---: | ---: |",
    ...bundle.modules.map(
      (m) =>
        `| ${m.file} | ${kib(m.bytes)} | ${kib(m.gzipBytes)} | ${m.compileMs === undefined ? "" : fixed(m.compileMs, 0)} |`,
    ),
    "",
    bundle.wrangler
      ? `wrangler reports: Total Upload ${bundle.wrangler.uploadKiB} KiB / gzip ${bundle.wrangler.gzipKiB} KiB.`
      : "wrangler printed no 'Total Upload' line.",
  ];
  if (failures.length > 0) {
    lines.push("", "**THESE RESULTS ARE NOT VALID: some requests failed.**", "", ...failures.map((f) => `- ${f}`));
  }
  console.log(lines.join("\n"));
};

const main = async () => {
  const options = readOptions();
  log(`options: ${JSON.stringify(options)}`);

  log("measuring the deploy bundle (wrangler deploy --dry-run)…");
  const bundle = await measureBundle();
  const companionBundles = [
    { name: "MCP", bundle: await measureBundle(["--config", "src/mcp/wrangler.jsonc"]) },
    { name: "Chat", bundle: await measureBundle(["--config", "src/chat/wrangler.jsonc"]) },
  ];

  const configDir = mkdtempSync(join(tmpdir(), "experience-layer-bench-"));
  const removeConfigDir = () => rmSync(configDir, { recursive: true, force: true });
  const configPath = writeBenchConfig(configDir);
  log(`starting wrangler dev on bench/worker.ts (the service and its twins) with rate limits raised (${configPath})…`);
  // A day-long access token (the most the contract allows): a long run would outlast the default 15 minutes.
  const server = await startDevServer({
    configPath,
    // Room for the SSE measurement's watchers, all the admin's.
    vars: {
      ACCESS_TOKEN_TTL_SECONDS: "86400",
      STREAM_MAX_PER_HOLDER: String(SSE_WATCHERS),
      // --var NAME=VALUE: a configuration to compare (an A/B run), e.g. SESSION_CACHE_SECONDS=0.
      ...options.vars,
    },
  }).catch((error) => {
    removeConfigDir();
    throw error;
  });
  const stop = () => server.stop().finally(removeConfigDir);
  // Ctrl-C would otherwise leave the temporary directories behind.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => stop().finally(() => process.exit(128 + constants.signals[signal])));
  }

  let ROUTES = [];
  let fixture;
  let probes = [];
  let threadExports = [];
  let sse;
  const samples = new Map();
  try {
    log(`${server.url} is up; signing in as an admin, seeding ${options.seed} users through POST /users…`);
    const token = await signInAsAdmin(server.url);
    await seedUsers(server.url, token, options.seed);
    // The admin who signed in is a user too.
    await checkBaseline(server.url, options.seed + 1);
    log(`creating threads of ${SMALL_THREAD} and ${options.large} messages…`);
    fixture = await setUpConversations(server.url, token, options.large);
    log(`seeding the admin's inbox of ${INBOX_THREADS} threads…`);
    fixture.inbox = await setUpInbox(server.url, token);
    const bytes = fileBytes();
    log(`uploading a ${FILE_BYTES}-byte file for the download routes…`);
    fixture.file = await setUpFiles(server.url, token, bytes);
    Object.assign(fixture, await setUpResumable(server.url, token));
    await checkTwins(server.url, token, fixture);
    ROUTES = routesFor(fixture, bytes);
    for (const { name } of ROUTES) samples.set(name, []);
    log("timing single searches for a word in every seeded message…");
    probes = await runProbes(server.url, token, fixture);
    log("exporting the large thread as JSON and as Markdown…");
    threadExports = await measureExports(server.url, token, fixture.large, {
      rounds: options.rounds,
      groupId: server.pid,
    });

    if (options.warmup > 0) {
      log(`warming up each route for ${options.warmup}s…`);
      for (const route of ROUTES) await load(server.url, token, route, options.connections, options.warmup);
    }
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so no route is always measured first or last.
      const order = ROUTES.map((_, i) => ROUTES[(i + round) % ROUTES.length]);
      log(`round ${round + 1}/${options.rounds}: ${order.map((r) => r.name).join(", ")}, ${options.duration}s each…`);
      for (const route of order) {
        samples.get(route.name).push(await load(server.url, token, route, options.connections, options.duration));
      }
    }
    log(`SSE delivery: ${SSE_POSTS} posts to a thread with ${SSE_WATCHERS} watchers…`);
    sse = await measureLatency(server.url, token, SSE_WATCHERS, SSE_POSTS);
  } catch (error) {
    console.error(`wrangler dev output (last 4000 characters):\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    await stop();
  }

  const routes = ROUTES.map(({ name }) => summarize(name, samples.get(name)));
  const byName = new Map(routes.map((route) => [route.name, route]));
  const comparisons = comparisonsFor(fixture).map(
    ({ route, baseline, meaning, unbudgeted, twinAlso, throughputOnly }) => {
      const [r, b] = [byName.get(route), byName.get(baseline)];
      return {
        route,
        baseline,
        meaning,
        unbudgeted,
        twinAlso,
        throughputOnly,
        requestsPerSec: ratio(r, b, "requestsPerSec"),
        latencyP50: ratio(r, b, "latencyP50Ms"),
        latencyP99: ratio(r, b, "latencyP99Ms"),
      };
    },
  );
  const size = sizeComparisonFor(fixture);
  const [sizeRoute, sizeBaseline] = [byName.get(size.route), byName.get(size.baseline)];
  const pagination = {
    ...size,
    largeMessages: fixture.largeCount,
    smallMessages: SMALL_THREAD,
    large: { latencyP50Ms: sizeRoute.latencyP50Ms, latencyP99Ms: sizeRoute.latencyP99Ms },
    small: { latencyP50Ms: sizeBaseline.latencyP50Ms, latencyP99Ms: sizeBaseline.latencyP99Ms },
    latencyP50: ratio(sizeRoute, sizeBaseline, "latencyP50Ms"),
    latencyP99: ratio(sizeRoute, sizeBaseline, "latencyP99Ms"),
  };
  pagination.withinTarget = pagination.latencyP50.median <= size.target && pagination.latencyP99.median <= size.target;
  const failures = routes
    .filter((r) => r.non2xx > 0 || r.errors > 0 || r.requests === 0)
    .map(
      (r) =>
        `${r.name}: ${r.requests} requests, ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`,
    );

  const budgets = budgetsFor({ comparisons, pagination, bundle, companionBundles, routes, sse });
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? "unknown", node: process.version },
    options,
    fixture: { ...fixture, smallCount: SMALL_THREAD },
    routes,
    comparisons,
    pagination,
    probes,
    threadExports,
    bundle,
    budgets,
    sse,
    failures,
  };
  report(results);
  const resultsDir = join(repoRoot, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  log("wrote bench/results/latest.json");
  if (failures.length > 0) {
    log(`FAILED: ${failures.length} route(s) had non-2xx responses or errors; see the report above.`);
    process.exitCode = 1;
  }
  const missed = budgets.filter((b) => b.met === false);
  if (missed.length > 0) {
    log(`BUDGETS MISSED (${missed.length}): ${missed.map((b) => b.budget).join("; ")}`);
    process.exitCode = 1;
  }
};

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});

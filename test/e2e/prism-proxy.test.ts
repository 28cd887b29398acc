import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertMatchesContract } from "../support/contract";
import { type Harness, harness } from "../support/harness";
import { CALLERS, type Caller, callerName, operationCells, operations } from "../support/operation-cells";
import { type PrismProxy, startPrismProxy } from "./support/prism";

/**
 * The contract proxy run: every operation in openapi/openapi.json, called through Stoplight Prism in proxy
 * mode in front of the real `wrangler dev`, by a caller allowed to succeed and by callers who must be refused.
 * Prism checks each request and each response (status, headers, media type, body) against the spec on its
 * own, independently of our validator; every request of a cell (its setup included) must come back without
 * an `sl-violations` header. Live streams stay out: Prism buffers SSE, and the JSON feeds are covered.
 */

interface Violation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}
interface Reported {
  request: string;
  status: number;
  violations: Violation[];
}

// The owner (or an admin, where only admins may), the API key paths, and refusals: 401 and 403/404 answers.
const PROXY_CALLERS = CALLERS.filter((caller) =>
  [
    "anonymous",
    "user (owner)",
    "read-only",
    "admin",
    "workspace-wide key with the scope",
    "member key in the thread",
  ].includes(callerName(caller)),
);

/**
 * POST /chat and POST /ag-ui answer only a live stream (the AI SDK's UI message stream, AG-UI's events), which Prism
 * would buffer until the reply or the chat's wait ends; their refusals are in the workers suite's access matrix,
 * their frames checked by the protocols' own clients (test/integration/chat.test.ts, ag-ui.test.ts).
 */
const PROXIED = operations.filter(
  (entry) => !["sendChatMessage", "runAgUiAgent"].includes(entry.operation.operationId),
);

let prism: PrismProxy;
let cells: ReturnType<typeof operationCells>;
let reported: Reported[] = [];

const hasCredentials = (request: Request) =>
  request.headers.has("Authorization") || request.headers.has("X-API-Key") || request.url.includes("token=");

/**
 * Prism's one complaint about a request sent without credentials (expected for the anonymous cells, whose
 * answer it also checks): "Invalid security scheme used", when the service answered 401.
 */
const isExpectedRefusal = (request: Request, status: number, violation: Violation) =>
  !hasCredentials(request) &&
  status === 401 &&
  violation.location[0] === "request" &&
  String(violation.code) === "401" &&
  violation.message === "Invalid security scheme used";

const isUtf8 = (bytes: Uint8Array) => {
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Requests sent around Prism, and why (see `throughPrism`). */
let bypassed: string[] = [];

/**
 * Sends the request through Prism. Prism keeps a body as text, so bytes that are not UTF-8 arrive corrupted
 * (stoplightio/prism#1321, #2349): such a request (only the PNG a preview cell uploads to set itself up) goes
 * to the server directly and is listed in `bypassed`; every other request goes through Prism.
 */
const throughPrism = async (request: Request): Promise<Response> => {
  const body = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : undefined;
  if (body && !isUtf8(body)) {
    const url = new URL(request.url);
    bypassed.push(`${request.method} ${url.pathname}`);
    const direct = new URL(`${url.pathname}${url.search}`, inject("baseUrl"));
    return fetch(new Request(direct, { method: request.method, headers: request.headers, body }));
  }
  const response = await fetch(request);
  const header = response.headers.get("sl-violations");
  if (header !== null) {
    const violations = (JSON.parse(header) as Violation[]).filter(
      (violation) => !isExpectedRefusal(request, response.status, violation),
    );
    if (violations.length > 0) {
      reported.push({
        request: `${request.method} ${new URL(request.url).pathname}`,
        status: response.status,
        violations,
      });
    }
  }
  await assertMatchesContract(request.method, request.url, response.clone());
  return response;
};

beforeAll(async () => {
  prism = await startPrismProxy(inject("baseUrl"));
  const viaPrism: Harness = harness(prism.url, throughPrism);
  // The shared e2e server runs without GOOGLE_CLIENT_ID: Google sign-in answers everyone 503 there.
  cells = operationCells(viaPrism, {
    startGoogleSignIn: 503,
    completeGoogleSignIn: 503,
    signInWithGoogleIdToken: 503,
    // This API's OAuth server signs users in with Google.
    getAuthorizationServerMetadata: 503,
    registerOAuthClient: 503,
    authorizeOAuthClient: 503,
    approveOAuthClient: 503,
  });
});

afterAll(async () => {
  await prism?.stop();
});

describe("contract proxy run through Prism", () => {
  it("reports a request that breaks the contract (the check can fail)", async () => {
    const response = await fetch(`${prism.url}/auth/dev/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: 42 }),
    });
    await response.body?.cancel();
    expect(response.status).toBe(400);
    const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Violation[];
    expect(violations.map((violation) => violation.location.slice(0, 2))).toContainEqual(["request", "body"]);
  });

  describe.each(PROXIED)("$method $path", (entry) => {
    it.each(PROXY_CALLERS.map((caller: Caller) => ({ caller, name: callerName(caller) })))(
      "$name: the documented status, and no violation",
      async ({ caller }) => {
        reported = [];
        bypassed = [];
        const { response, expected } = await cells.runCell(entry, caller);
        await response.body?.cancel();
        expect(response.status).toBe(expected);
        expect(reported, "Prism's sl-violations for the cell's requests").toEqual([]);
        expect(bypassed, "requests sent around Prism").toEqual(
          ["getFilePreview", "getFileThumbnail"].includes(entry.operation.operationId) ? ["POST /files"] : [],
        );
      },
    );
  });
});

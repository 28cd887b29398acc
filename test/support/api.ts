import { exports } from "cloudflare:workers";
import { assertIsProblem, assertMatchesContract } from "./contract";
import { harness } from "./harness";

export const BASE_URL = "https://api.test";

/** The worker's own fetch, with every response checked against the contract before a test sees it. */
export const contractFetch = async (request: Request): Promise<Response> => {
  const response = await exports.default.fetch(request);
  // A WebSocket upgrade (101) has no body to copy.
  await assertMatchesContract(request.method, request.url, response.webSocket ? response : response.clone());
  return response;
};

/** The shared helpers (./harness.ts) bound to this worker. */
export const workers = harness(BASE_URL, contractFetch);
export const { clientWith, anonymous, signIn, createApiKey } = workers;
export { type Role, randomIp, type Scope } from "./harness";

let adminToken: Promise<string> | undefined;
/** One admin session per test file, made on first use. */
export const adminAccessToken = () => {
  adminToken ??= signIn("ADMIN").then((tokens) => tokens.access_token);
  return adminToken;
};

/** The SDK signed in as an admin: what most resource tests need. */
export const client = clientWith(adminAccessToken);

const withToken = async (init: RequestInit | undefined, token: string | null): Promise<RequestInit> => {
  const headers = new Headers(init?.headers);
  if (token && !headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
  return { ...init, headers };
};

/** Raw HTTP as an admin, for what the typed SDK cannot express (malformed JSON, wrong content types, …). */
export const http = async (path: string, init?: RequestInit) =>
  contractFetch(new Request(new URL(path, BASE_URL), await withToken(init, await adminAccessToken())));

/** Raw HTTP with no credentials (or only those in `init`). */
export const anonymousHttp = (path: string, init?: RequestInit) =>
  contractFetch(new Request(new URL(path, BASE_URL), init));

/** For paths or methods outside every operation: the answer is checked to be a documented problem. */
export const httpOutsideContract = async (path: string, init?: RequestInit): Promise<Response> => {
  const response = await exports.default.fetch(new Request(new URL(path, BASE_URL), init));
  await assertIsProblem(response.clone());
  return response;
};

export const jsonBody = (body: unknown, init: RequestInit = {}): RequestInit => ({
  method: "POST",
  ...init,
  headers: { "Content-Type": "application/json", ...init.headers },
  body: JSON.stringify(body),
});

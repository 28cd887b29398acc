import { exports } from "cloudflare:workers";
import { type components, createClient, unwrap } from "../../sdk/src";
import { assertIsProblem, assertMatchesContract } from "./contract";

export const BASE_URL = "https://api.test";

/** The worker's own fetch, with every response checked against the contract before a test sees it. */
export const contractFetch = async (request: Request): Promise<Response> => {
  const response = await exports.default.fetch(request);
  // A WebSocket upgrade (101) has no body to copy.
  await assertMatchesContract(request.method, request.url, response.webSocket ? response : response.clone());
  return response;
};

/** The SDK exactly as partners use it, talking to this worker; anonymous unless given a token. */
export const clientWith = (token?: string | (() => Promise<string>)) =>
  createClient({ baseUrl: BASE_URL, fetch: contractFetch, ...(token ? { token } : {}) });

export const anonymous = clientWith();

export type Role = "ADMIN" | "USER" | "VIEWER";

/** A client address of its own, as sign-in is rate limited per IP (RFC 3849 documentation prefix). */
export const randomIp = () =>
  `2001:db8::${crypto
    .getRandomValues(new Uint16Array(4))
    .join(":")
    .replace(/\d+/g, (n) => Number(n).toString(16))}`;

/** Signs in through the local-development endpoint (tests run with ENVIRONMENT=development). */
export const signIn = async (role: Role, email = `${role.toLowerCase()}.${crypto.randomUUID()}@example.com`) =>
  unwrap(anonymous.POST("/auth/dev/sign-in", { body: { email, role }, headers: { "CF-Connecting-IP": randomIp() } }));

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

export type Scope = components["schemas"]["ApiKeyScope"];

/**
 * A partner API key with these scopes. Each is made by an admin of its own: creating keys counts
 * against the creator's write limit, and a suite makes many.
 */
export const createApiKey = async (scopes: Scope[], label = "key") => {
  const admin = clientWith((await signIn("ADMIN")).access_token);
  return unwrap(admin.POST("/api-keys", { body: { name: `${label}-${crypto.randomUUID()}`, scopes } }));
};

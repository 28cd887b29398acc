import { exports } from "cloudflare:workers";
import { createClient } from "../../sdk/src";
import { assertIsProblem, assertMatchesContract } from "./contract";

export const BASE_URL = "https://api.test";

/** The worker's own fetch, with every response checked against the contract before a test sees it. */
export const contractFetch = async (request: Request): Promise<Response> => {
  const response = await exports.default.fetch(request);
  await assertMatchesContract(request.method, request.url, response.clone());
  return response;
};

/** Raw HTTP for the cases the typed SDK cannot express (malformed JSON, wrong content types, …). */
export const http = (path: string, init?: RequestInit) => contractFetch(new Request(new URL(path, BASE_URL), init));

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

/** The SDK exactly as partners use it, talking to this worker. */
export const client = createClient({ baseUrl: BASE_URL, fetch: contractFetch });
